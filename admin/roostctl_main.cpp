// roostctl: the admin CLI. Wiring only; the commands live in admin/*_cmd.cpp.
#include <sys/stat.h>

#include "admin/cli.h"

int main(int argc, char** argv) {
  // The database, its WAL and anything else roostctl creates are for the mail system only.
  ::umask(077);
  return roost::admin::run_cli(argc, argv);
}
