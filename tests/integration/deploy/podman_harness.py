# Shared by the deploy tests: a private podman (storage, config and temp files under one directory;
# runc, cgroupfs, file events and the host's ulimits, which work on the CI machine), the Debian base
# image made with debootstrap (its tarball cached in the build tree), and the Roost image built from
# deploy/docker/Dockerfile (saved as an archive in the build tree, so the second test loads it instead
# of building it again). Everything podman made is removed by close().
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77  # ctest SKIP_RETURN_CODE

BASE_IMAGE = "localhost/debian:bookworm-slim"
ROOST_IMAGE = "localhost/roost:test"
# Bounds on each step (seconds).
DEBOOTSTRAP_TIMEOUT = 420
IMPORT_TIMEOUT = 120
BUILD_TIMEOUT = 600
PODMAN_TIMEOUT = 60


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def skip(why):
    print(f"SKIP: {why}", flush=True)
    sys.exit(SKIP)


def debian_mirror():
    with open("/etc/apt/sources.list.d/debian.sources") as f:
        for line in f:
            if line.startswith("URIs:"):
                return line.split()[1]
    return "http://deb.debian.org/debian"


def sources_hash(repo):
    """A digest of every file the image build copies (tracked and untracked, not ignored)."""
    listed = subprocess.run(["git", "-C", repo, "ls-files", "-co", "--exclude-standard", "-z"],
                            capture_output=True, check=True, timeout=60).stdout.split(b"\0")
    digest = hashlib.sha256()
    for name in sorted(n.decode() for n in listed if n):
        if name.startswith("build") or "/build" in name.split("/", 1)[0]:
            continue
        path = os.path.join(repo, name)
        if not os.path.isfile(path):
            continue
        digest.update(name.encode() + b"\0")
        with open(path, "rb") as f:
            digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


class Podman:
    def __init__(self, repo, build_dir, name):
        if os.geteuid() != 0:
            skip("needs root (podman with its own storage, debootstrap)")
        for tool in ("podman", "debootstrap", "runc"):
            if shutil.which(tool) is None:
                skip(f"{tool} is not installed (deploy/install-deps.sh --test installs it)")
        self.repo = repo
        self.build_dir = build_dir
        self.cache = os.path.join(build_dir, "tests", "integration", "deploy", "cache")
        os.makedirs(self.cache, exist_ok=True)
        # Short paths: podman's sockets live under runroot.
        self.root = tempfile.mkdtemp(prefix=f"roost-{name}-")
        self.env = dict(os.environ)
        self._write_config()
        self.closed = False

    def _write_config(self):
        storage = os.path.join(self.root, "storage.conf")
        graph, run, tmp = (os.path.join(self.root, d) for d in ("graph", "run", "tmp"))
        for d in (graph, run, tmp):
            os.makedirs(d)
        with open(storage, "w") as f:
            f.write(f'[storage]\ndriver = "overlay"\ngraphroot = "{graph}"\nrunroot = "{run}"\n')
        nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
        nproc = 32768 if nproc == resource.RLIM_INFINITY else min(nproc, 32768)
        if nofile == resource.RLIM_INFINITY:
            nofile = 1048576
        conf = os.path.join(self.root, "containers.conf")
        with open(conf, "w") as f:
            f.write(f'[containers]\ndefault_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]\n'
                    f'[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n'
                    f'tmp_dir = "{tmp}"\n')
        self.env.update(CONTAINERS_STORAGE_CONF=storage, CONTAINERS_CONF=conf, TMPDIR=tmp)

    def run(self, *args, timeout=PODMAN_TIMEOUT, check=True, input=None, capture=True):
        result = subprocess.run(["podman", *args], env=self.env, timeout=timeout, input=input,
                                capture_output=capture, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"podman {' '.join(args)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}")
        return result

    def usable(self):
        probe = self.run("info", check=False)
        return probe.returncode == 0, probe.stderr

    # ---- images ----
    def import_base(self):
        tarball = os.path.join(self.cache, "debian-bookworm-minbase.tar")
        if not os.path.exists(tarball):
            start = time.monotonic()
            rootfs = os.path.join(self.root, "rootfs")
            log(f"debootstrap bookworm from {debian_mirror()} (cached afterwards in {tarball})")
            subprocess.run(["debootstrap", "--variant=minbase", "bookworm", rootfs, debian_mirror()],
                           check=True, timeout=DEBOOTSTRAP_TIMEOUT, capture_output=True)
            shutil.copy("/etc/apt/sources.list.d/debian.sources",
                        os.path.join(rootfs, "etc/apt/sources.list.d/debian.sources"))
            sources_list = os.path.join(rootfs, "etc/apt/sources.list")
            if os.path.exists(sources_list):
                os.remove(sources_list)
            subprocess.run(["chroot", rootfs, "apt-get", "clean"], check=True, timeout=60)
            for trim in ("usr/share/doc", "usr/share/man", "usr/share/locale", "var/lib/apt/lists"):
                shutil.rmtree(os.path.join(rootfs, trim), ignore_errors=True)
                os.makedirs(os.path.join(rootfs, trim), exist_ok=True)
            partial = tarball + ".partial"
            subprocess.run(["tar", "--numeric-owner", "-C", rootfs, "-cf", partial, "."], check=True, timeout=120)
            os.replace(partial, tarball)
            shutil.rmtree(rootfs)
            log(f"debootstrap took {time.monotonic() - start:.0f} s")
        start = time.monotonic()
        self.run("import", "--change", 'CMD ["/bin/bash"]', tarball, BASE_IMAGE, timeout=IMPORT_TIMEOUT)
        log(f"base image imported in {time.monotonic() - start:.0f} s")

    def roost_image(self, build_type, extra_cmake_args):
        """Loads the Roost image saved by an earlier test of this build when the sources are the same,
        else builds it from deploy/docker/Dockerfile (reusing the host's ccache) and saves it."""
        archive = os.path.join(self.cache, "roost-image.tar")
        stamp = archive + ".sources"
        digest = sources_hash(self.repo)
        if os.path.exists(archive) and os.path.exists(stamp) and open(stamp).read() == digest:
            start = time.monotonic()
            self.run("load", "-i", archive, timeout=IMPORT_TIMEOUT)
            log(f"image loaded from {archive} in {time.monotonic() - start:.0f} s")
            return
        self.import_base()
        ccache_dir = subprocess.run(["ccache", "-k", "cache_dir"], capture_output=True, text=True).stdout.strip() \
            if shutil.which("ccache") else ""
        args = ["build", "--pull=never", "--format", "docker", "-f", "deploy/docker/Dockerfile", "-t", ROOST_IMAGE,
                # The host's paths and flags, so the compile commands match the ones in the host's ccache.
                "--build-arg", f"ROOST_SRC={self.repo}", "--build-arg", f"ROOST_BUILD={self.build_dir}",
                "--build-arg", f"BUILD_TYPE={build_type}", "--build-arg", f"CMAKE_ARGS={extra_cmake_args}",
                "--build-arg", f"CCACHE_BASEDIR={os.environ.get('CCACHE_BASEDIR', '')}"]
        if ccache_dir:
            os.makedirs(ccache_dir, exist_ok=True)
            args += ["-v", f"{ccache_dir}:/ccache"]
        start = time.monotonic()
        log("building the image from deploy/docker/Dockerfile (its output follows)")
        # The build's own output goes to the test's log as it comes: a slow step shows where it is.
        result = self.run(*args, self.repo, timeout=BUILD_TIMEOUT, check=False, capture=False)
        log(f"image built in {time.monotonic() - start:.0f} s (rc {result.returncode})")
        if result.returncode != 0:
            raise RuntimeError("podman build failed (its output is above)")
        start = time.monotonic()
        if os.path.exists(archive):
            os.remove(archive)
        # docker-archive keeps HEALTHCHECK, which the OCI format has no field for.
        self.run("save", "--format", "docker-archive", "-o", archive, ROOST_IMAGE, timeout=IMPORT_TIMEOUT)
        with open(stamp, "w") as f:
            f.write(digest)
        log(f"image saved for the next test in {time.monotonic() - start:.0f} s")

    # ---- cleanup ----
    def close(self):
        if self.closed:
            return
        self.closed = True
        for args in (("rm", "-af", "-t", "0"), ("volume", "rm", "-af"), ("system", "reset", "--force")):
            try:
                self.run(*args, check=False, timeout=120)
            except subprocess.TimeoutExpired:
                log(f"podman {' '.join(args)} timed out")
        shutil.rmtree(self.root, ignore_errors=True)
