/** The texts every GNU coreutils 9.1 program shares: emit_ancillary_info() and version_etc(). */

/** emit_ancillary_info() in the C locale (its LC_MESSAGES is not en_*) */
export function coreutilsAncillary(prog: string): string {
  return (
    "GNU coreutils online help: <https://www.gnu.org/software/coreutils/>\n" +
    "Report any translation bugs to <https://translationproject.org/team/>\n" +
    `Full documentation <https://www.gnu.org/software/coreutils/${prog}>\n` +
    `or available locally via: info '(coreutils) ${prog} invocation'\n`
  );
}

/** emit_try_help(): the line after a usage error */
export function coreutilsTryHelp(prog: string): string {
  return `Try '${prog} --help' for more information.\n`;
}

/** version_etc(): --version */
export function coreutilsVersion(prog: string, authors: string): string {
  return (
    `${prog} (GNU coreutils) 9.1\n` +
    "Copyright (C) 2022 Free Software Foundation, Inc.\n" +
    "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n" +
    "This is free software: you are free to change and redistribute it.\n" +
    "There is NO WARRANTY, to the extent permitted by law.\n\n" +
    `Written by ${authors}.\n`
  );
}
