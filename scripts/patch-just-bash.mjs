/**
 * npm's postinstall: edits of just-bash 3.4.2's bundles (index.js, index.cjs,
 * browser.js): some take per-command and per-word costs out of its interpreter without
 * changing what it does, the others make it do what Debian's bash and tools do (numbered
 * below). Idempotent. The just-bash package.json pins is edited or the
 * script fails (a bundle not of the shape it expects), so an upgrade cannot silently lose the
 * edits; another version (a parent project's, deduplicated) is left as it is, with a warning.
 * Node-only.
 *
 * 1. Trusted commands run directly. just-bash runs every registered command inside a
 *    revocable membrane (a Proxy over its context, an AbortController, a WeakMap, a copy of
 *    each object the command touches) raced against a deadline timer, so that an *untrusted*
 *    extension cannot keep using the shell after it returns. tuxnet's tools are host code
 *    registered as trusted commands (just-bash's default; its own commands are not); for
 *    them the membrane is pure cost, ~60 µs and ~40 KB of garbage per command (bench c runs
 *    19,800). A trusted command now gets its context as is and runs without the race (an
 *    abort still reaches it through ctx.signal, which every tuxnet tool obeys), and the
 *    shell's execution scope itself rather than a frozen facade of nine bound methods.
 *
 * 2. Plain words skip the special forms. Expanding a word calls some 30 async handlers in
 *    turn (about 10 KB of promises per word), each looking for one special form: a
 *    double-quoted part, or a parameter expansion with an operation, of `@`/`*`, or of an
 *    array element; each returns null at once for any other word. A word without such a
 *    part (`ping`, `-c1`, `n$i`, `10.0.0.$j`) now goes straight to the general expansion
 *    those handlers fall through to.
 *
 * 3. The sbin directories hold commands too. just-bash takes /bin/NAME and /usr/bin/NAME for
 *    its command NAME and any other path for a script; Debian keeps ip, brctl, sysctl,
 *    ifconfig, iptables … in /usr/sbin and /sbin (`command -v ip` is /usr/sbin/ip), so those
 *    two are command directories as well (a later edit, with a mark of its own, so that a
 *    bundle patched by an earlier version of this script gets it too).
 *
 * 4. `$-` in bash's order. just-bash gives "h" before the option letters and ends with "s"
 *    (a shell reading standard input); bash's which_set_flags() lists its flags in the order
 *    of shell_flags[] (e f h … u v x B C) and ends with "c" for a `bash -c` command, which is
 *    what every line tuxnet runs is (lab steps, exec(); `echo $-` says hBc).
 *
 * 5. One stdin getter for every command. The context a command gets has `get stdin(){…}` in
 *    its object literal (reading it marks standard input consumed), a new function at each
 *    command: V8 gives each such object a map of its own, every new map hangs off the last
 *    one, and that chain keeps each command's context, its closures and its async frames
 *    alive through every young-generation GC until a full one (~4 KB promoted per command;
 *    scavenges of 5-15 ms, a third of the run time of a loop of short commands). The getter
 *    is now one function, defined on the context after the literal, reading a per-command
 *    state held under a symbol key (copied with the context's descriptors where just-bash
 *    copies it); what reads stdin and what counts as consumed are unchanged.
 *
 * 6. Scripts of any length. The parser's guard against a loop that makes no progress stops
 *    any script of more than 10,000 top-level statements ("Parser stuck: too many
 *    iterations"), which bash runs. Every turn of that loop that does not fail consumes a
 *    token, so the guard now fires only past both 10,000 turns and the script's token count:
 *    still bounded. (Its limits on size stay: 1 MB and 100,000 tokens a script.)
 *
 * 7. sed is 4.9. just-bash's sed checks a `v VERSION` command against 4.8.0 and refuses 4.9
 *    or 4.8.1, which Debian's sed 4.9 runs; it now holds itself to be 4.9.0. (tuxnet checks
 *    the script first as GNU sed compiles it, strverscmp() and all: shell/sedcompile.ts.) In
 *    the ESM build this lives in a chunk of its own, so every file of the bundle that has it
 *    is edited.
 *
 * 8. An aborted line keeps what it wrote. just-bash holds the output of its builtins and of
 *    the statements run so far until the script returns, and an abort (the lab timeout's
 *    kill) threw it away: the line came back with nothing but "execution aborted". Where its
 *    statement loops pass the output gathered so far on to an exit, errexit or return error,
 *    they now pass it on to the abort error too, and the abort result carries it, as a killed
 *    bash leaves what it had written.
 *
 * 9. Errors inside a function are the function's source's. bash names its own messages after
 *    BASH_SOURCE[0], which for a function defined in a `bash -c` string is "environment"
 *    (`environment: line 1: nosuch: command not found`), where just-bash says "bash" as at the
 *    top level. A function defined there (source "main") has the "bash: " of its body's
 *    messages turned into "environment: line N: " when its body returns, N the line the body
 *    ended on (exact for a one-line script, as every lab step is), before the caller's
 *    redirections take them (`f 2>&1 | cat`).
 *
 * 10. bash's messages name their line. A non-interactive bash prefixes its own messages with
 *    the script's line (`bash: line 2: nosuch: command not found`, also when `2>&1` sends
 *    them to stdout); just-bash says `bash: nosuch: …`. Where a command's result meets its
 *    redirections, the "bash: " of its messages gets the line the command is on, and inside a
 *    function defined in the script edit 9's name (the interactive shell takes the line out
 *    again: shell.ts).
 *
 * 12. awk's numbers become strings as mawk's do. mawk (Debian's awk) writes a number as an
 *    integer only within its int range (±2147483647; 4294967295 is "4.29497e+09"), anything
 *    else by CONVFMT or, in print, OFMT ("%.6g": 0.1 + 0.2 is "0.3"); just-bash's awk wrote
 *    every safe integer as one and other numbers with all their digits when made strings. Its
 *    print and its two number-to-string conversions now take mawk's range, and the
 *    conversions, and print with OFMT at its default, "%.6g"; printf's %s of a number is that
 *    string, its %d mawk's d_to_I() (truncated, clamped to ±2147483647). (Setting CONVFMT is
 *    not followed; just-bash's %g and %e, which printf and another OFMT use, are as they were.) In the ESM
 *    build this is in awk's chunk, so every file of the bundle that has it is edited.
 *
 * 13. awk's printf formats floating point as C does. just-bash's %e wrote one-digit exponents
 *    (1.5e+0), its %g cut exponents' zeros too (1e+10 as "1e+1"), and %f, %e and %g took no
 *    flags ("+", " ", "0", "#"). A case for those five conversions now comes before
 *    just-bash's own (which stay, unreached) and formats as glibc's printf (mawk has no %F).
 *
 * 14. `set -x` traces what was written, where bash writes it. A command the plugins rewrote into
 *    one of the shell's own is traced as written (`+ ip -V`, not `+ /usr/bin/__tool.12.ip -V`),
 *    and the shell's plumbing (output marks, the writer of `echo … > f`) not at all: the trace
 *    asks tuxnet's hook for the words (shell/xtrace.ts). And the trace goes to the shell's
 *    stderr before the command's own redirections take its output, as bash prints it before
 *    it makes them (`echo a 2>/dev/null` still shows `+ echo a`). A `for` loop traces its head
 *    before each turn (`+ for i in $v x`: the words as written, which tuxnet's plugin puts on
 *    the loop's node as `xtraceHead`).
 *
 * 15. `command -v` / `-V` end as bash's describe_command() loop does: status 0 when any name was
 *    found (just-bash failed when any was not), and -V's "not found" is the builtin's error
 *    (`bash: line 1: command: nosuch: not found`), not a bare `nosuch: not found`.
 *
 * 16. just-bash's own commands are trusted too. Edit 1 runs trusted commands without the
 *    membrane; just-bash registers its bundled commands (echo, grep, sed, awk, seq, cat …)
 *    as untrusted, so each of them still paid it: ~60 µs a command, a third of the cost of
 *    `echo x >/dev/null`. They are the shell's own code, as trusted as the interpreter that
 *    runs them (the membrane guards against a host's *extensions*, and tuxnet registers
 *    none): they are now registered trusted and run directly, as tuxnet's tools do.
 *
 * 17. A function's text is bash's. just-bash's `type f` printed the body's commands joined on one
 *    line, `command -V f` only "f is a function", `declare -f f` nothing and `declare -f`
 *    "# function body" for each; bash prints the definition as print_cmd.c lays it out. All
 *    four now ask tuxnet's printer (shell/printcmd.ts, through
 *    `globalThis.__tuxnetFunctionText(name, node)`) for the definition, and `declare -f NAME…`
 *    prints those it finds (status 1 if any is not a function, as before).
 *
 * 18. A path already in normal form is its own normal form. just-bash's filesystems normalize
 *    every path they are handed (a split on "/", a filter, a join: ~1-2 µs and four arrays),
 *    several times per file operation and so per command (a redirection's exists/stat/open, a
 *    tool's read of /etc/iproute2/*, the mount table walk). An absolute path with no empty
 *    segment ("//"), no "." or ".." segment and no trailing "/" comes out of that as it went
 *    in, so it is now returned at once; any other path is normalized as before. In the ESM
 *    build this is in a chunk of its own, so every file of the bundle that has it is edited.
 *
 * 19. A command's exported environment without a set in between. buildExportedEnv(), run for
 *    every command, copied the names of the exported and the temporarily exported variables
 *    into a new Set, then made the environment object from it. It now walks the exported
 *    names, then those temporarily exported that are not also exported: the same names in the
 *    same order (a Set keeps first insertion order), the same values, the same null-prototype
 *    object (also when there is none).
 *
 * 20. A command's plain words are expanded in one pass. Edit 2 still left a word such as `add`,
 *    `n$i` or `v$i` some ten async steps (expandWordWithGlob()'s flags scan and brace test, the
 *    general expansion or the splitting pass with a record per part, the glob pass), ~17 KB
 *    of garbage per command of bench a (~85 MB of its 474). The expansion of a command's words
 *    (gt()) now takes two kinds of word itself, before just-bash's own path, which every other
 *    word still takes:
 *    - only literals: the word is their text (none when empty), when it has no glob character
 *      (the glob pass would look for files) and is within the string limit (beyond it the long
 *      way gives its error); nothing is expanded, so any other word goes the long way intact;
 *    - literals, plain `$NAME`s (no operation, not `@`/`*`, no subscript) and arithmetic
 *      expansions, at least one `$NAME`, IFS not empty: the word just-bash hands to its
 *      splitting pass. The parts are expanded in order by the same expandPart(); when no
 *      expanded part holds an IFS character nothing splits, and the word is their
 *      concatenation (none when empty), globbed as before when it has a glob character;
 *      otherwise the splitting pass runs as before, on the values already expanded (no part
 *      is expanded twice: `$((i++))` counts once).
 *
 * 21. A command without redirections sets none up. For every simple command just-bash made the
 *    redirections' state (five snapshot Maps and two closures) and, preparing them, the routes
 *    of fds 0-2 and standard input, then six closures for the redirection loop, which has
 *    nothing to do for an empty list, and restored the empty snapshots when done. With no
 *    redirection the preparation now returns, after the routes and standard input, what it
 *    returned after the empty loop (the same maps and values); the set-up, except for the
 *    "bare" policy of a redirection-only command (whose finish also restores the next free fd),
 *    hands the preparation one shared, never written state and finishes with nothing to undo.
 *
 * 22. One command runner's context per interpreter. runCommand() made, for every command, the
 *    object it hands the builtins and the command dispatch (the context and three closures
 *    calling back into the interpreter), which none of them writes to; it is now made once per
 *    interpreter and context (remade if the interpreter's context is another), and the same
 *    closures do the same calls.
 *
 * 23. A trusted command is called as it is. Edit 1 still ran one inside two async wrappers that
 *    do nothing without a defense-in-depth context (runTrustedAsync() calls it when there is no
 *    async-local store, the defense assertion passes when none is required): four promises
 *    and three closures per command. Without that context and store it is now called directly;
 *    and a name /usr/bin/__NAME that edit 11's lookup finds is found before the lookup's own
 *    async call.
 *
 * 24. Plain arithmetic is evaluated at once. `$((i / 250))` went through the async evaluator:
 *    an async call, its frame and a promise per node and variable (~6 KB per expansion). An
 *    expression of numbers, variables holding a decimal integer (or empty), and the operators
 *    that change nothing (binary, unary but ++/--, ternary, grouping) is now evaluated
 *    synchronously, with the same functions for the operators; anything else (an assignment,
 *    ++, a variable holding an expression, an unset one, a division by zero) goes the async
 *    way from the start, which yields the same value or error: what was skipped read nothing
 *    but variables.
 *
 * 25. A simple command's steps that have nothing to do are not awaited. The temporary
 *    assignments (none written), the xtrace line (xtrace off), the process substitutions'
 *    clean-up (none made), the builtin dispatch (a name it does not handle, no function of
 *    that name, no coverage) and a one-literal command name each cost an async call and an
 *    await per command; what they return in those cases is now made without them. An argument
 *    of literals, plain `$NAME`s and arithmetic expansions is expanded in place when every
 *    part's value is at hand: a `$NAME` of a set variable that is neither a nameref nor one
 *    that expandParameter() computes (`$LINENO`, `$RANDOM` …: the names of its switch),
 *    edit 24's arithmetic; and the word then needs neither splitting (no IFS character in
 *    what was expanded: edit 20's test) nor globbing. Its value is the one edit 20 (a `$NAME`
 *    in it) or Ic()'s unsplit expansion (none) gives; any other word, or one of those whose
 *    part is not at hand, is expanded as before, from the start (what was looked at was only
 *    read; the temporary-environment note a `$NAME` leaves is made again, the same).
 *
 * 26. A command's result with one field more is copied by Object.assign(). pf() and runCommand()
 *    copy every command's result with a field it does not have (`{...A, internalStdinConsumed}`,
 *    `{...r, internalProducerCommand}`). In V8 11 (Node 20) an object literal that spreads one
 *    object and then adds a property gets a map of its own, ~1.7 µs (tens of ns without the added
 *    property), and so does every property added to it later (accountResult()'s): several
 *    microseconds per command. `Object.assign({}, A, {k: v})` makes the same object (the same
 *    own properties in the same order, the same values, read once each through the same
 *    getters; a plain object target has no setter but `__proto__`, which no result has) on
 *    the shared maps.
 *
 * 27. No clock read against an endless deadline. The execution scope's throwIfAborted(), run
 *    several times per command (each output accounting, each command's charge), read Date.now()
 *    to compare the time spent with maxExecutionTimeMs; tuxnet's is infinite (simulated time is
 *    the scheduler's), and no time exceeds it, so the clock is read only for a finite one.
 *
 * 28. SHELLOPTS is sorted without the collator. Its option names (`set -o`'s, all lower-case
 *    ASCII) were sorted with localeCompare(), whose first call loads ICU's collation data, ~10
 *    ms when the first shell starts (about 1% of bench a, whose commands compare nothing else
 *    by locale). They are now sorted by code unit, which the script checks gives the same order
 *    for the names the bundle holds (or it fails).
 *
 * 29. Expansion errors end the line as bash's do. An unset variable under nounset made just-bash
 *    throw an error of its own, which a loop, a `{ }` group, a function body or an `eval` turned
 *    into a failed command (status 1, a bare "nosuch: unbound variable") and went on from, and
 *    which ended the line with status 1; `${NAME?WORD}` ended it with status 1 and the word
 *    alone; `${!NAME}` of an unset NAME was a "bad substitution" the line went on from. bash
 *    reports these (subst.c: err_unboundvar(), `$1` for a positional parameter and `!x` for
 *    the variable an indirection names; parameter_brace_expand_error(): "NAME: WORD",
 *    "NAME: parameter not set", "NAME: parameter null or not set"; "NAME: invalid indirect
 *    expansion") and throws to its top level: FORCE_EOF for the first two, where a `bash -c`
 *    line ends with status 127 (shell.c run_one_command()), a simple command of a pipeline
 *    (forked) exits 127, and a subshell, a compound command of a pipeline or a command
 *    substitution exits 1 (execute_in_subshell(): the status the error set); DISCARD for the
 *    indirection and for the length of an unset array (`${#a[@]}`), status 1. An EXIT trap still
 *    runs. These now throw the error `exit STATUS` throws, with bash's message (named as edit 10
 *    names them: "environment" in a function the script defined), FORCE_EOF's with a mark that
 *    those places read as status 1 (and an interactive shell's line, which bash's DISCARD ends
 *    with 1) and that keeps the script's variables (its traps) as the line ends. An indirection's own name is looked up without nounset, as bash does.
 *
 * 30. Arithmetic errors in bash's words, and an expansion's error ends the line. just-bash's
 *    arithmetic keeps no positions: its errors said "division by 0" where bash says
 *    `3/(2-2)*4: division by 0 (error token is "(2-2)*4")`, `((…))` said "arithmetic
 *    expression: …" for bash's "((: …", and an error in `$((…))` was a failed command the line
 *    went on from, where bash's expr.c evalerror() throws to the top level (DISCARD: the line
 *    ends with status 1; a subshell, a pipeline's element or a command substitution exits 1).
 *    When just-bash's evaluation fails, the shell now asks tuxnet (shell/arith.ts, through
 *    `globalThis.__tuxnetArithError(text, lookup)`, the text with its `$NAME`s expanded as bash
 *    expands them first) for bash's message, and keeps just-bash's where that finds no error;
 *    `$((…))` throws the error `exit 1` throws with it (named as edit 10 names messages),
 *    `((…))` and `let` print it after "((: " and "let: " and fail, as bash's do. An `exit`
 *    error from inside (nounset) goes on up as before.
 *
 * 31. `((` is an arithmetic command when bash would take it for one. just-bash's lexer guessed
 *    from what follows (a name then a space and `/`, `-`, a letter… looked like a command in a
 *    subshell), so `(( a / (b - 1) ))` was a syntax error and `(( (n - 5) ))` ran `n` in two
 *    subshells. bash (parse.y parse_dparen(), parse_arith_cmd()) reads the text after `((` as a
 *    matched pair up to the `)` that closes the second `(`, and takes it for arithmetic when
 *    the next character is `)`, for nested subshells otherwise; the lexer now does the same
 *    (quotes and backslashes hide their parentheses, as in parse_matched_pair()). The command's
 *    expression keeps that text as written (just-bash's parser rebuilt it from its tokens:
 *    `n/( n-5)` for `n/(n-5)`), which bash's error messages show (edit 30).
 *
 * 32. The integer operands of `[[` and `test` as bash reads them. `[[ A -eq B ]]` evaluates A and
 *    B as arithmetic; where that failed just-bash took the number they began with (so
 *    `[[ 1 -eq 1/0 ]]` was true), where bash prints `[[: 1/0: division by 0 (error token is
 *    "0")` (edit 30's message) and the test fails (status 1). `test`/`[` with an operand that
 *    is no integer failed with status 2 and said nothing; bash says `[: abc: integer
 *    expression expected` (test.c integer_expected_error(), the builtin's name as called).
 *
 * 33. An integer variable's assignment and an array's subscript fail as bash's do. Where the
 *    arithmetic of `z=1/0` (z declared -i) or of `${a[1/0]}` failed, just-bash assigned 0 or
 *    took the subscript for a variable's name and went on; bash reports the error (edit 30's
 *    message) and the line ends with status 1 (DISCARD), as for `$((…))`. An error in a
 *    `for ((…))` head gets the message `((: EXPR: …` too (the loop fails with 1, as it did).
 *
 * 34. An interactive shell's `$-`. Edit 4 gives every line the flags of a `bash -c` line
 *    ("hBc"); the lines of tuxnet's interactive shell (shell.ts marks their variables) now have
 *    an interactive bash's on a terminal ("himBHs": interactive, job control, history
 *    expansion, commands read from standard input), so `[[ $- == *i* ]]` tells as in a bashrc.
 *
 * 11. The shell's own commands are found at once. tuxnet's plumbing commands are named by path
 *    (`/usr/bin/__tool.rr.ip`, `/usr/bin/__mark`: ast.ts internalName()) so that bash does not
 *    hash them; just-bash looked each one up through the mounted filesystems, an exists() and
 *    a stat() (seven path normalizations, four walks of the mount table) per tool run. A path
 *    /usr/bin/__NAME that names a registered command is now that command, as the lookup
 *    would have found it (/usr/bin shows every registered `__` command: kernfs.ts BinDirFs).
 */
import { readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const MARK = "/*tuxnet:patched*/";
const MARK_SBIN = "/*tuxnet:sbin*/";
const MARK_DASH = "/*tuxnet:dash*/";
const MARK_STDIN = "/*tuxnet:stdin*/";
const MARK_PARSE = "/*tuxnet:parse*/";
const MARK_SEDV = "/*tuxnet:sedv*/";
const MARK_ABORT = "/*tuxnet:abort*/";
const MARK_FNSRC = "/*tuxnet:fnsrc*/";
const MARK_LINES = "/*tuxnet:lines*/";
const MARK_INTERNAL = "/*tuxnet:internal*/";
const MARK_AWKNUM = "/*tuxnet:awknum*/";
const MARK_AWKFMT = "/*tuxnet:awkfmt*/";
const MARK_XTRACE = "/*tuxnet:xtrace*/";
const MARK_COMMANDV = "/*tuxnet:commandv*/";
const MARK_BUNDLED = "/*tuxnet:bundled*/";
const MARK_FNTEXT = "/*tuxnet:fntext*/";
const MARK_NORMPATH = "/*tuxnet:normpath*/";
const MARK_EXPENV = "/*tuxnet:expenv*/";
const MARK_WORDFAST = "/*tuxnet:wordfast*/";
const MARK_NOREDIR = "/*tuxnet:noredir*/";
const MARK_RUNCTX = "/*tuxnet:runctx*/";
const MARK_TRUSTCALL = "/*tuxnet:trustcall*/";
const MARK_ARITH = "/*tuxnet:arith*/";
const MARK_NOAWAIT = "/*tuxnet:noawait*/";
const MARK_ASSIGN = "/*tuxnet:assign*/";
const MARK_DEADLINE = "/*tuxnet:deadline*/";
const MARK_OPTSORT = "/*tuxnet:optsort*/";
const MARK_UNBOUND = "/*tuxnet:unbound*/";
const MARK_ARITHMSG = "/*tuxnet:arithmsg*/";
const MARK_DPAREN = "/*tuxnet:dparen*/";
const MARK_TESTINT = "/*tuxnet:testint*/";
const MARK_INTVAR = "/*tuxnet:intvar*/";
const MARK_DASHI = "/*tuxnet:dashi*/";
const ID = "[\\w$]+";

// pf(): `let g=ff(m,t),y=ta(g.context,t),S=()=>{g.revoke(),b()};try{let v=()=>ma(…,()=>u.execute(n,y)),k=()=>wm(v,y,S,t,…`
const DISPATCH = new RegExp(
  `let (${ID})=(${ID})\\((${ID}),(${ID})\\),(${ID})=${ID}\\(\\1\\.context,\\4\\),(${ID})=\\(\\)=>\\{\\1\\.revoke\\(\\),${ID}\\(\\)\\};` +
    `try\\{let (${ID})=\\(\\)=>${ID}\\([^;]*?\\(\\)=>(${ID})\\.execute\\(${ID},\\5\\)\\),(${ID})=\\(\\)=>(${ID})\\(\\7,\\5,\\6,\\4,`,
  "g",
);

function trustedDirect(span, g, ff, m, t, _y, _s, v, u, k, wm) {
  return span
    .replace(`let ${g}=${ff}(${m},${t}),`, `let ${g}=${u}.trusted?{context:${m},revoke(){}}:${ff}(${m},${t}),`)
    .replace(`,${k}=()=>${wm}(${v},`, `,${k}=()=>${u}.trusted?${v}():${wm}(${v},`);
}

// the context's execution scope: `executionScope:u.internalIsExtension?Ra(i.executionScope):i.executionScope`
const SCOPE = new RegExp(`executionScope:(${ID})\\.internalIsExtension\\?(${ID})\\((${ID})\\.executionScope\\):\\3\\.executionScope`, "g");

function trustedScope(span, u) {
  return span.replace(`${u}.internalIsExtension?`, `${u}.internalIsExtension&&!${u}.trusted?`);
}

// the word expansion's handlers: `let p=await Dp(e,r,a,c,u,n);if(p!==null)return p;…let w=await Mp(e,r,n.expandPart);if(w!==null)return Dc(e,w);`
const HANDLERS = new RegExp(
  `let (${ID})=await ${ID}\\((${ID}),(${ID}),${ID},${ID},${ID},(${ID})\\);if\\(\\1!==null\\)return \\1;` +
    `let (${ID})=await ${ID}\\(\\2,\\3,\\4\\);if\\(\\5!==null\\)return \\5;` +
    `let (${ID})=await ${ID}\\(\\2,\\3,\\4\\);if\\(\\6!==null\\)return \\6;` +
    `let (${ID})=await ${ID}\\(\\2,\\3,\\4\\.expandPart\\);if\\(\\7!==null\\)return ${ID}\\(\\2,\\7\\);`,
  "g",
);

function plainWordsSkip(span, _p, _e, parts) {
  const special = `${parts}.some(x=>x.type==="DoubleQuoted"||x.type==="ParameterExpansion"&&(x.operation||x.parameter==="@"||x.parameter==="*"||x.parameter.includes("[")))`;
  return `if(${special}){${span}}`;
}

// the command-path test: `function Ms(e,t){return e===`/bin/${t}`||e===`/usr/bin/${t}`}`
const BINPATH = new RegExp(`function (${ID})\\((${ID}),(${ID})\\)\\{return \\2===\`/bin/\\$\\{\\3\\}\`\\|\\|\\2===\`/usr/bin/\\$\\{\\3\\}\`\\}`, "g");

function sbinToo(span, _f, path, name) {
  return span.replace(/\}$/, `||${path}===\`/sbin/\${${name}}\`||${path}===\`/usr/sbin/\${${name}}\`}`);
}

// `type -a`'s path list takes a command directory's NAME as there without looking:
// `if(Ms(a,t)&&e.commands.has(t)){n.push(a);continue}` (a tool is in one of bin and sbin)
const typeAllList = (fn) =>
  new RegExp(`if\\(${fn.replace(/\$/g, "\\$")}\\((${ID}),(${ID})\\)&&(${ID})\\.commands\\.has\\(\\2\\)\\)\\{`, "g");

function typeAllLooks(span, path, _name, ctx) {
  return span.replace(/\)\{$/, `&&await ${ctx}.fs.exists(${path})){`);
}

// `case"-":{let o="";return o+="h",e.state.options.errexit&&(o+="e"),e.state.options.noglob&&(o+="f"),…,o+="s",o}`
const DASH = new RegExp(
  `case"-":\\{let (${ID})="";return \\1\\+="h",((${ID})\\.state\\.options\\.errexit&&\\(\\1\\+="e"\\),\\3\\.state\\.options\\.noglob&&\\(\\1\\+="f"\\)),` +
    `([^}]*?)\\1\\+="s",\\1\\}`,
  "g",
);

function bashDashOrder(_span, o, ef, _e, rest) {
  return `case"-":{let ${o}="";return ${ef},${o}+="h",${rest}${o}+="c",${o}}`;
}

// pf(): `async function pf(e,t,n,r,s){let{ctx:i,buildExportedEnv:o,…let m={fs:i.fs,…,get stdin(){return p=!0,d},…},w=u.internalOriginalCommand,…
// internalStdinConsumed:A.internalStdinConsumed??(p?r.length:0)`
const STDIN = new RegExp(
  `async function ${ID}\\(${ID},${ID},${ID},${ID},${ID}\\)\\{let\\{ctx:${ID},buildExportedEnv:` +
    `[\\s\\S]*?let (${ID})=\\{fs:[\\s\\S]*?get stdin\\(\\)\\{return (${ID})=!0,(${ID})\\}` +
    `[\\s\\S]*?\\},${ID}=${ID}\\.internalOriginalCommand,[\\s\\S]*?internalStdinConsumed\\?\\?\\(\\2\\?`,
  "g",
);

const STDIN_SHARED =
  'var __tuxnetStdin=(()=>{let k=Symbol("stdin");return{key:k,desc:{get(){let s=this[k];return s.p=!0,s.d},enumerable:!0,configurable:!0}}})();';

function sharedStdinGetter(span, m, p, d) {
  // (replacer functions: a minified name may hold a `$`)
  return (
    STDIN_SHARED +
    span
      .replace(`get stdin(){return ${p}=!0,${d}}`, () => `[__tuxnetStdin.key]:${p}={p:!1,d:${d}}`)
      .replace(/\},([\w$]+)=([\w$]+)\.internalOriginalCommand,/, (_, w, u) => `},${w}=(Object.defineProperty(${m},"stdin",__tuxnetStdin.desc),${u}.internalOriginalCommand),`)
      .replace(/\?\?\([\w$]+\?$/, () => `??(${p}.p?`)
  );
}

// parseScript(): `r++,r>1e4&&this.error("Parser stuck: too many iterations (>10000)")`
const PARSE_GUARD = new RegExp(`(${ID})>1e4&&this\\.error\\("Parser stuck: too many iterations \\(>10000\\)"\\)`, "g");

function parseGuardByTokens(span, r) {
  return span.replace(`${r}>1e4&&`, () => `${r}>1e4&&${r}>this.tokens.length&&`);
}

// sed's `v`: `case"version":{let r=[4,8,0];if(i.minVersion){…`
const SED_VERSION = new RegExp(`case"version":\\{let (${ID})=\\[4,8,0\\];`, "g");

// awk's number to string: `function v(e){return typeof e=="string"?e:(Number.isInteger(e),String(e))}` (two),
// and print's: `Number.isInteger(o)&&Math.abs(o)<Number.MAX_SAFE_INTEGER?r.push(String(o)):r.push(ie(e.OFMT,[o],e.maxOutputSize||void 0))`
const AWK_TOSTR = new RegExp(`function (${ID})\\((${ID})\\)\\{return typeof \\2=="string"\\?\\2:\\(Number\\.isInteger\\(\\2\\),String\\(\\2\\)\\)\\}`, "g");
const AWK_PRINT_INT = new RegExp(
  `Number\\.isInteger\\((${ID})\\)&&Math\\.abs\\(\\1\\)<Number\\.MAX_SAFE_INTEGER\\?(${ID})\\.push\\(String\\(\\1\\)\\):\\2\\.push\\((${ID})\\((${ID})\\.OFMT,`,
  "g",
);
/** mawk's number to string with CONVFMT "%.6g" (C's %g: 6 significant digits, no trailing zeros) */
/**
 * The functions edits 12 and 13 add to a bundle, as their source (function declarations at the
 * end of the file: hoisted, and no statement before a leading "use strict"). mawk's number to
 * string: an integer within its int range as one, anything else "%.6g" (CONVFMT's default).
 */
function __tuxnetAwkNum(n) {
  if (Number.isInteger(n) && n >= -2147483647 && n <= 2147483647) return String(n);
  return __tuxnetCfmt("g", "", "", "6", n);
}

/**
 * glibc's %f %e %E %g %G of v with FLAGS, WIDTH and PRECISION as written ("" when absent),
 * rounded from the double's exact decimal value, ties to even as glibc rounds them.
 */
function __tuxnetCfmt(t, fl, wd, pr, v) {
  const a = Math.abs(v);
  const neg = v < 0 || Object.is(v, -0);
  const l = t.toLowerCase();
  let p = pr === "" ? 6 : +pr;
  let s;
  if (!Number.isFinite(a)) s = Number.isNaN(a) ? "nan" : "inf";
  else {
    // the exact value as N / 10^k
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, a);
    const hi = dv.getUint32(0);
    const be = (hi >>> 20) & 0x7ff;
    const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(dv.getUint32(4));
    const e = be === 0 ? -1074 : be - 1075;
    const M = be === 0 ? m : m | (1n << 52n);
    const N = e >= 0 ? M << BigInt(e) : M * 5n ** BigInt(-e);
    const k = e >= 0 ? 0 : -e;
    // N / 10^d rounded to an integer, ties to even
    const div = (x, d) => {
      if (d <= 0) return x * 10n ** BigInt(-d);
      const u = 10n ** BigInt(d);
      const q = x / u;
      const r = x % u;
      return r * 2n > u || (r * 2n === u && q % 2n === 1n) ? q + 1n : q;
    };
    const fixed = (q) => {
      const d = div(N, k - q);
      const str = String(d).padStart(q + 1, "0");
      return q > 0 ? `${str.slice(0, -q)}.${str.slice(-q)}` : str;
    };
    const expo = (q) => {
      if (N === 0n) return { str: q > 0 ? `0.${"0".repeat(q)}e+00` : "0e+00", x: 0 };
      let x = String(N).length - 1 - k;
      let d = div(N, k + x - q);
      if (String(d).length > q + 1) {
        d /= 10n;
        x++;
      }
      const ds = String(d);
      const mant = q > 0 ? `${ds[0]}.${ds.slice(1)}` : ds;
      return { str: `${mant}e${x < 0 ? "-" : "+"}${String(Math.abs(x)).padStart(2, "0")}`, x };
    };
    if (l === "f") s = fixed(p);
    else if (l === "e") s = expo(p).str;
    else {
      if (p === 0) p = 1;
      const x = expo(p - 1).x;
      s = x < p && x >= -4 ? fixed(p - 1 - x) : expo(p - 1).str;
      if (!fl.includes("#") && s.includes(".")) s = s.replace(/0+(e|$)/, "$1").replace(/\.(e|$)/, "$1");
    }
    if (fl.includes("#") && !s.includes(".")) s = s.replace(/(e|$)/, ".$1");
  }
  if (t !== l) s = s.toUpperCase();
  const g = neg ? "-" : fl.includes("+") ? "+" : fl.includes(" ") ? " " : "";
  const w = wd === "" ? 0 : +wd;
  if (fl.includes("-")) return (g + s).padEnd(w);
  if (fl.includes("0") && Number.isFinite(a)) return g + s.padStart(w - g.length, "0");
  return (g + s).padStart(w);
}

const AWK_FUNCTIONS = `;${__tuxnetAwkNum}\n${__tuxnetCfmt}\n`;

// its sprintf's %s and %d: `case"s":{let p=y!==void 0?String(y):"";`, `case"d":case"i":{let p=y!==void 0?Math.floor(Number(y)):0;`
const AWK_FMT_S = new RegExp(`case"s":\\{let (${ID})=(${ID})!==void 0\\?String\\(\\2\\):"";`, "g");
const AWK_FMT_D = new RegExp(`case"d":case"i":\\{let (${ID})=(${ID})!==void 0\\?Math\\.floor\\(Number\\(\\2\\)\\):0;`, "g");

/** edit 12 on a file of the bundle that holds just-bash's awk (undefined: it does not) */
export function patchAwkNumbers(src) {
  if (src.includes(MARK_AWKNUM) || !new RegExp(AWK_PRINT_INT.source).test(src)) return undefined;
  let n = 0;
  let out = src.replace(AWK_TOSTR, (_m, f, e) => {
    n++;
    return `function ${f}(${e}){return typeof ${e}=="string"?${e}:__tuxnetAwkNum(${e})}`;
  });
  if (n !== 2) throw new Error(`just-bash bundle: expected awk's two number-to-string conversions, found ${n}`);
  // (print with OFMT at its default: mawk's "%.6g", which just-bash's sprintf gets wrong)
  out = edit(
    out,
    AWK_PRINT_INT,
    (_m, o, r, ie, e) => `Number.isInteger(${o})&&${o}>=-2147483647&&${o}<=2147483647?${r}.push(String(${o})):${r}.push(${e}.OFMT==="%.6g"?__tuxnetAwkNum(${o}):${ie}(${e}.OFMT,`,
    "awk print's number",
  );
  // printf's %s of a number is its string; %d is mawk's d_to_I(): truncated, within ±Max_Int
  out = edit(out, AWK_FMT_S, (_m, p, y) => `case"s":{let ${p}=${y}!==void 0?typeof ${y}=="number"?__tuxnetAwkNum(${y}):String(${y}):"";`, "awk printf's %s");
  out = edit(
    out,
    AWK_FMT_D,
    (_m, p, y) =>
      `case"d":case"i":{let ${p}=${y}!==void 0?(q=>Number.isNaN(q)?q:q>=2147483647?2147483647:q>-2147483647?Math.trunc(q):-2147483647)(Number(${y})):0;`,
    "awk printf's %d",
  );
  return MARK_AWKNUM + out + AWK_FUNCTIONS;
}

// awk's sprintf: its "f" case (value, precision, width, flags, emit …), then the "e" one (the conversion's name)
const AWK_FLOAT = new RegExp(
  `case"f":\\{let (${ID})=(${ID})!==void 0\\?Number\\(\\2\\):0;Number\\.isNaN\\(\\1\\)&&\\(\\1=0\\);let (${ID})=(${ID})\\?parseInt\\(\\4,10\\):6;` +
    `[^]*?if\\((${ID})\\)\\{let (${ID})=parseInt\\(\\5,10\\);(${ID})\\.includes\\("-"\\)[^]*?\\}(${ID})\\((${ID})\\),(${ID})===void 0&&(${ID})\\+\\+;break\\}case"e":case"E":\\{[^]*?if\\((${ID})==="E"&&`,
  "g",
);
/** edit 13 on a file of the bundle that holds just-bash's awk (undefined: it does not) */
export function patchAwkFloats(src) {
  if (src.includes(MARK_AWKFMT) || !new RegExp(AWK_FLOAT.source).test(src)) return undefined;
  const out = edit(
    src,
    AWK_FLOAT,
    (span, _p, y, _n, pr, wd, _d, fl, emit, _g, a, r, conv) =>
      `case"f":case"e":case"E":case"g":case"G":{${emit}(__tuxnetCfmt(${conv},${fl},${wd},${pr},${y}!==void 0?(q=>Number.isNaN(q)?0:q)(Number(${y})):0)),${a}===void 0&&${r}++;break}${span}`,
    "awk sprintf's floating point",
  );
  return MARK_AWKFMT + out;
}

/** edit 7 on a file of the bundle that holds just-bash's sed (undefined: it does not) */
export function patchSedVersion(src) {
  if (src.includes(MARK_SEDV) || !src.includes('case"version":{let ')) return undefined;
  return MARK_SEDV + edit(src, SED_VERSION, (_span, r) => `case"version":{let ${r}=[4,9,0];`, "sed's version");
}

// the abort error's class: `throwIfAborted(t="execution"){this.signal?.aborted&&this.fail(new ze(`
const ABORT_CLASS = new RegExp(`throwIfAborted\\(${ID}="execution"\\)\\{this\\.signal\\?\\.aborted&&this\\.fail\\(new (${ID})\\(`);
// the four places a statement loop hands its output on to an error it rethrows:
// executeScript(): `throw i instanceof Te&&i.prependOutput(r.stdout,r.stderr),i}return{...r.build(`
const ABORT_SCRIPT = new RegExp(`throw (${ID}) instanceof (${ID})&&\\1\\.prependOutput\\((${ID})\\.stdout,\\3\\.stderr\\),\\1\\}return\\{\\.\\.\\.\\3\\.build\\(`, "g");
// a statement list: `if(Or(s)||s instanceof We||s instanceof G||s instanceof x||s instanceof Mt)throw s.prependOutput(`
const ABORT_LIST = new RegExp(
  `if\\((${ID})\\((${ID})\\)((?:\\|\\|\\2 instanceof ${ID}){4})\\)throw \\2\\.prependOutput\\(`,
  "g",
);
// a loop body: `if(Or(d)||d instanceof We||d instanceof G)throw d.prependOutput(`
const ABORT_BODY = new RegExp(`if\\((${ID})\\((${ID})\\)((?:\\|\\|\\2 instanceof ${ID}){2})\\)throw \\2\\.prependOutput\\(`, "g");
// break/continue: `if(e instanceof Te||e instanceof We||e instanceof G||e instanceof x)return e.prependOutput(t,n),{action:"rethrow"`
const ABORT_LOOP = new RegExp(
  `if\\((${ID}) instanceof (${ID})((?:\\|\\|\\1 instanceof ${ID}){3})\\)return \\1\\.prependOutput\\(`,
  "g",
);

function abortKeepsOutput(src) {
  const cls = ABORT_CLASS.exec(src)?.[1];
  if (!cls) throw new Error("just-bash bundle: expected its abort error's class, found none");
  let out = edit(src, ABORT_SCRIPT, (_s, e, t, r) => `throw(${e} instanceof ${t}||${e} instanceof ${cls})&&${e}.prependOutput(${r}.stdout,${r}.stderr),${e}}return{...${r}.build(`, "script loop's rethrow");
  out = edit(out, ABORT_LIST, (_s, f, v, rest) => `if(${f}(${v})${rest}||${v} instanceof ${cls})throw ${v}.prependOutput(`, "statement list's rethrow");
  out = edit(out, ABORT_BODY, (_s, f, v, rest) => `if(${f}(${v})${rest}||${v} instanceof ${cls})throw ${v}.prependOutput(`, "loop body's rethrow");
  return edit(out, ABORT_LOOP, (_s, e, t, rest) => `if(${e} instanceof ${t}${rest}||${e} instanceof ${cls})return ${e}.prependOutput(`, "loop control's rethrow");
}

// callFunction(): `m=await e.executeCommand(t.body,p,h);return rn(…`
const FUNC_BODY = new RegExp(`(${ID})=await (${ID})\\.executeCommand\\((${ID})\\.body,(${ID}),(${ID})\\);return `, "g");

function functionSourceNames(_span, m, e, t, p, h) {
  const named = `${m}.stderr.replace(/^bash: (line \\d+: )?/gm,(_,l)=>"environment: "+(l??"line "+${e}.state.currentLine+": "))`;
  return `${m}=await ${e}.executeCommand(${t}.body,${p},${h});${m}.stderr&&(${t}.sourceFile??"main")==="main"&&(${m}={...${m},stderr:${named}});return `;
}

// applying a command's redirections to its result: `async function rn(e,t,n,r,s=new Map,i=new Map,o="bash",a=!1){`
const REDIRECT_RESULT = new RegExp(`async function (${ID})\\((${ID}),(${ID}),(${ID}),(${ID}),(${ID})=new Map,(${ID})=new Map,(${ID})="bash",(${ID})=!1\\)\\{`, "g");

/** the name bash gives its messages in context `e` (a JS expression): in a function defined in
 * the script, edit 9's "environment" */
const messageName = (e) => `(${e}.state.funcNameStack?.length&&(${e}.state.sourceStack?.[0]??"main")==="main"?"environment":"bash")`;

/** edits 29, 30, 33: the error `exit STATUS` throws (class `g`), with bash's message `msg` (a JS
 * expression) named and lined as edit 10 names a command's messages */
const exitWithMessage = (g, e, status, msg) => `new ${g}(${status},"",${messageName(e)}+": line "+${e}.state.currentLine+": "+${msg}+"\\n")`;

/** edits 30, 32, 33: bash's message for the arithmetic expression `text` in context `e` (JS
 * expressions; shell/arith.ts), undefined when it finds no error; arithMessage(): else
 * just-bash's own error's (`err`) */
const arithError = (text, e) => `globalThis.__tuxnetArithError?.(${text},(__v)=>${e}.state.env.get(__v))`;
const arithMessage = (text, e, err) => `(${arithError(text, e)}??${err}.message)`;

/** edit 30: the variable `v` (an expression's text) with its `$NAME`s expanded by `expand` in
 * context `e`, as bash expands the text before it evaluates it; undefined for a text with a
 * command substitution, whose commands ran once already and are not run again for a message
 * (just-bash's own message stands) */
const expandForMessage = (v, expand, e) => `if(/\\$\\(|\`/.test(${v}))${v}=void 0;else if(/\\$/.test(${v}))try{${v}=await ${expand}(${e},${v})}catch{}`;

function messagesNameLine(span, _rn, e, t) {
  return `${span}${t}.stderr&&(${t}={...${t},stderr:${t}.stderr.replace(/^bash: (?!line \\d+: |-c: line \\d+: )/gm,()=>${messageName(e)}+": line "+${e}.state.currentLine+": ")});`;
}

// the command lookup: `async function Xu(e,t,n){if(t.includes("/")){let o=e.fs.resolvePath(e.state.cwd,t);if(!await e.fs.exists(o))`
const LOOKUP = new RegExp(
  `async function (${ID})\\((${ID}),(${ID}),(${ID})\\)\\{if\\(\\3\\.includes\\("/"\\)\\)\\{let (${ID})=\\2\\.fs\\.resolvePath\\(\\2\\.state\\.cwd,\\3\\);if\\(!await \\2\\.fs\\.exists\\(\\5\\)\\)`,
  "g",
);

function internalDirect(span, _f, e, t) {
  return span.replace(`{if(${t}.includes("/")){`, () => `{if(${t}.startsWith("/usr/bin/__")){let c=${e}.commands.get(${t}.slice(9));if(c)return{cmd:c,path:${t}}}if(${t}.includes("/")){`);
}

// the trace of a simple command: `async function ef(e,t,n){if(!e.state.options.xtrace)return"";let r=await Ju(e),s=[t,...n],`
const XTRACE_WORDS = new RegExp(
  `async function (${ID})\\((${ID}),(${ID}),(${ID})\\)\\{if\\(!\\2\\.state\\.options\\.xtrace\\)return"";let (${ID})=await (${ID})\\(\\2\\),(${ID})=\\[\\3,\\.\\.\\.\\4\\],(${ID})=(${ID})\\(\\7\\);`,
  "g",
);

function xtraceAsWritten(_span, f, e, t, n, r, ju, s, i, am) {
  return `async function ${f}(${e},${t},${n}){if(!${e}.state.options.xtrace)return"";let __w=globalThis.__tuxnetXtraceLine?.(${t},${n});if(__w===null)return"";let ${r}=await ${ju}(${e}),${s}=[${t},...${n}],${i}=__w??${am}(${s});`;
}

// the trace of an assignment: `async function tf(e,t,n){return e.state.options.xtrace?\`${await Ju(e)}${t}=${n}\n\`:""}`
const XTRACE_ASSIGN = new RegExp(
  `async function (${ID})\\((${ID}),(${ID}),(${ID})\\)\\{return \\2\\.state\\.options\\.xtrace\\?\`\\$\\{await (${ID})\\(\\2\\)\\}\\$\\{\\3\\}=\\$\\{\\4\\}`,
  "g",
);

function assignmentQuoted(span, _f, _e, _t, n) {
  return span.replace(new RegExp(`\\$\\{${n}\\}$`), () => `\${globalThis.__tuxnetXtraceQuote?.(${n},!0)??${n}}`);
}

// where a simple command's trace meets its result: `let A=o+S;if(A&&(v={...v,stderr:A+v.stderr}),v=await rn(this.ctx,v,t.redirections,…),w.finish(),k)throw k;`
const TRACE_THEN_REDIRECT = new RegExp(
  `let (${ID})=(${ID})\\+(${ID});if\\(\\1&&\\((${ID})=\\{\\.\\.\\.\\4,stderr:\\1\\+\\4\\.stderr\\}\\),\\4=await (${ID})\\(this\\.ctx,\\4,(${ID})\\.redirections,([^;]*?)\\),(${ID})\\.finish\\(\\),(${ID})\\)throw \\9;`,
  "g",
);

function traceBeforeRedirect(_span, a, o, s, v, rn, t, rest, w, k) {
  return `let ${a}=${o}+${s};if(${v}=await ${rn}(this.ctx,${v},${t}.redirections,${rest}),${a}&&(${v}={...${v},stderr:${a}+${v}.stderr}),${w}.finish(),${k})throw ${k};`;
}

// a for loop's turn: `async function Am(e,t){let n=new on(e),r=0,s=0;if(!/^[a-zA-Z_]…/.test(t.variable))…e.state.env.set(t.variable,o);`
const FOR_TURN = new RegExp(
  `async function (${ID})\\((${ID}),(${ID})\\)\\{let (${ID})=new ${ID}\\(\\2\\),${ID}=0,${ID}=0;if\\(!/\\^\\[a-zA-Z_\\]\\[a-zA-Z0-9_\\]\\*\\$/\\.test\\(\\3\\.variable\\)\\)[\\s\\S]*?\\2\\.state\\.env\\.set\\(\\3\\.variable,(${ID})\\);`,
  "g",
);

/** edit 14's trace of a for loop's turn, with the PS4 of the bundle's own trace (`ps4`) */
function forTurnTraced(ps4) {
  return (span, _f, e, t, n, o) =>
    span.replace(
      new RegExp(`${e.replace(/\$/g, "\\$")}\\.state\\.env\\.set\\(${t.replace(/\$/g, "\\$")}\\.variable,${o.replace(/\$/g, "\\$")}\\);$`),
      () => `${e}.state.options.xtrace&&${t}.xtraceHead!==void 0&&${n}.append("",await ${ps4}(${e})+${t}.xtraceHead+"\\n"),${e}.state.env.set(${t}.variable,${o});`,
    );
}

// `command -v/-V`: `async function cf(e,t,n,r){let s="",i="",o=0;for(let a of t){if(!a){o=1;continue}…return L(s,i,o)}`
const COMMAND_V = new RegExp(
  `async function (${ID})\\((${ID}),(${ID}),(${ID}),(${ID})\\)\\{let (${ID})="",(${ID})="",(${ID})=0;for\\(let (${ID}) of \\3\\)\\{if\\(!\\9\\)\\{\\8=1;continue\\}[\\s\\S]*?return (${ID})\\(\\6,\\7,\\8\\)\\}`,
  "g",
);

function commandVAsBash(span, _f, _e, _t, _n, _r, s, i, _o, a, l) {
  return span
    .replaceAll(`${i}+=\`\${${a}}: not found\n\``, () => `${i}+=\`bash: command: \${${a}}: not found\n\``)
    .replace(new RegExp(`return ${l.replace(/\$/g, "\\$")}\\(${s.replace(/\$/g, "\\$")},${i.replace(/\$/g, "\\$")},[\\w$]+\\)\\}$`), () => `return ${l}(${s},${i},${s}?0:1)}`);
}

// `registerBundledCommand(t){this.registerCommandInternal(t,!1)}`: trusted as the third argument
const BUNDLED = new RegExp(`registerBundledCommand\\((${ID})\\)\\{this\\.registerCommandInternal\\(\\1,!1\\)\\}`, "g");

function bundledTrusted(span, t) {
  return span.replace(`(${t},!1)`, `(${t},!1,!0)`);
}

// type's function text: `function sf(e,t){let n;return t.body.type==="Group"?…`
const TYPE_FN = new RegExp(`function (${ID})\\((${ID}),(${ID})\\)\\{let ${ID};return \\3\\.body\\.type==="Group"\\?`, "g");

function typeFnText(span, _f, name, node) {
  return span.replace("{", `{if(globalThis.__tuxnetFunctionText)return\`\${${name}} is a function\\n\`+globalThis.__tuxnetFunctionText(${name},${node})+"\\n";`);
}

// declare -f: `for(let V of R)$+=`${V} ()\n{\n    # function body\n}\n`;return ee($)}let P=!0;for(let $ of g)e.state.functions.has($)||(P=!1);return L("","",P?0:1)}`
const DECLARE_F = new RegExp(
  `for\\(let (${ID}) of (${ID})\\)(${ID})\\+=\`\\$\\{\\1\\} \\(\\)\\n\\{\\n    # function body\\n\\}\\n\`;return (${ID})\\(\\3\\)\\}` +
    `let (${ID})=!0;for\\(let (${ID}) of (${ID})\\)(${ID})\\.state\\.functions\\.has\\(\\6\\)\\|\\|\\(\\5=!1\\);return (${ID})\\("","",\\5\\?0:1\\)\\}`,
  "g",
);

function declareFnText(_span, v, names, out, ret, ok, n, args, e, result) {
  const text = (x) => `globalThis.__tuxnetFunctionText(${x},${e}.state.functions.get(${x}))`;
  return (
    `for(let ${v} of ${names})${out}+=${text(v)}+"\\n";return ${ret}(${out})}` +
    `let ${ok}=!0,__o="";for(let ${n} of ${args})${e}.state.functions.has(${n})?__o+=${text(n)}+"\\n":${ok}=!1;return ${result}(__o,"",${ok}?0:1)}`
  );
}

// command -V: `else if(e.state.functions.has(a))r?s+=`${a} is a function\n`:s+=`${a}\n`;`
const COMMAND_V_FN = new RegExp(`else if\\((${ID})\\.state\\.functions\\.has\\((${ID})\\)\\)(${ID})\\?(${ID})\\+=\`\\$\\{\\2\\} is a function\\n\``, "g");

function commandVFnText(span, e, a, _r, s) {
  return span.replace(/`\$\{[\w$]+\} is a function\n`$/, () => `\`\${${a}} is a function\\n\`+globalThis.__tuxnetFunctionText(${a},${e}.state.functions.get(${a}))+"\\n"`);
}

// just-bash's normalizePath(): `function o(n){if(!n||n==="/")return"/";let t=n.endsWith("/")&&n!=="/"?…`
const NORMALIZE_PATH = new RegExp(
  `function (${ID})\\((${ID})\\)\\{if\\(!\\2\\|\\|\\2==="/"\\)return"/";(let ${ID}=\\2\\.endsWith\\("/"\\)&&\\2!=="/"\\?\\2\\.slice\\(0,-1\\):\\2;)`,
  "g",
);
/** edit 18 on a file of the bundle that holds just-bash's normalizePath() (undefined: it does not) */
export function patchNormalizePath(src) {
  if (src.includes(MARK_NORMPATH) || !new RegExp(NORMALIZE_PATH.source).test(src)) return undefined;
  return (
    MARK_NORMPATH +
    edit(
      src,
      NORMALIZE_PATH,
      (_m, f, n, rest) => `function ${f}(${n}){if(!${n}||${n}==="/")return"/";if(${n}.charCodeAt(0)===47&&!/\\/\\/|\\/\\.\\.?(?:\\/|$)|\\/$/.test(${n}))return ${n};${rest}`,
      "path normalization",
    )
  );
}

// `buildExportedEnv(){let t=this.ctx.state.exportedVars,n=this.ctx.state.tempExportedVars,r=new Set;…return s}`
const EXPORTED_ENV = new RegExp(
  `buildExportedEnv\\(\\)\\{let (${ID})=this\\.ctx\\.state\\.exportedVars,(${ID})=this\\.ctx\\.state\\.tempExportedVars,(${ID})=new Set;` +
    `if\\(\\1\\)for\\(let (${ID}) of \\1\\)\\3\\.add\\(\\4\\);if\\(\\2\\)for\\(let (${ID}) of \\2\\)\\3\\.add\\(\\5\\);if\\(\\3\\.size===0\\)return Object\\.create\\(null\\);` +
    `let (${ID})=Object\\.create\\(null\\);for\\(let (${ID}) of \\3\\)\\{let (${ID})=this\\.ctx\\.state\\.env\\.get\\(\\7\\);\\8!==void 0&&\\(\\6\\[\\7\\]=\\8\\)\\}return \\6\\}`,
);
function exportedEnvDirect(_m, t, n) {
  return (
    `buildExportedEnv(){let ${t}=this.ctx.state.exportedVars,${n}=this.ctx.state.tempExportedVars,__tuxS=Object.create(null),__tuxE=this.ctx.state.env;` +
    `if(${t})for(let __tuxI of ${t}){let __tuxO=__tuxE.get(__tuxI);__tuxO!==void 0&&(__tuxS[__tuxI]=__tuxO)}` +
    `if(${n})for(let __tuxI of ${n})if(!${t}||!${t}.has(__tuxI)){let __tuxO=__tuxE.get(__tuxI);__tuxO!==void 0&&(__tuxS[__tuxI]=__tuxO)}return __tuxS}`
  );
}

// expandWordWithGlob() (after edit 2): `async function Ic(e,t,n){e.coverage?.hit("bash:expansion:word_glob");…
// if((i||o||l)&&!Oe(e.state.env)){let g=ke(e.state.env),y=n.buildIfsCharClassPattern(g),S=await n.smartWordSplit(e,r,g,y,n.expandPart);return Dc(e,S)}…`
// up to the next function's glob test `!e.state.options.noglob&&At(s,e.state.shoptOptions.extglob)`
const WORD_GLOB = new RegExp(
  `async function (${ID})\\((${ID}),${ID},(${ID})\\)\\{\\2\\.coverage\\?\\.hit\\("bash:expansion:word_glob"\\);` +
    `[\\s\\S]{0,1500}?if\\(\\(${ID}\\|\\|${ID}\\|\\|${ID}\\)&&!(${ID})\\(\\2\\.state\\.env\\)\\)\\{let (${ID})=(${ID})\\(\\2\\.state\\.env\\),(${ID})=\\3\\.buildIfsCharClassPattern\\(\\5\\),` +
    `(${ID})=await \\3\\.smartWordSplit\\(\\2,${ID},\\5,\\7,\\3\\.expandPart\\);return (${ID})\\(\\2,\\8\\)\\}` +
    `[\\s\\S]{0,500}?!${ID}\\.state\\.options\\.noglob&&(${ID})\\(${ID},${ID}\\.state\\.shoptOptions\\.extglob\\)`,
);
// its caller for a command's words: `async function gt(e,t){return Ic(e,t,Kp())}`
const wordGlobCall = (ic) => new RegExp(`async function (${ID})\\((${ID}),(${ID})\\)\\{return ${ic.replace(/\$/g, "\\$")}\\(\\2,\\3,(${ID})\\(\\)\\)\\}`, "g");

/** edit 20: gt() takes the plain words itself, the others to Ic() (names: see WORD_GLOB) */
/** edits 20 and 25: would the word `w` (a JS expression) go to the glob pass? `at`: the bundle's
 * pattern test */
const globTest = (at, w) => `(e.state.options.noglob||!${at}(${w},e.state.shoptOptions.extglob))`;

function wordFast(src) {
  const all = [...src.matchAll(new RegExp(WORD_GLOB.source, "g"))];
  if (all.length !== 1) throw new Error(`just-bash bundle: expected one word expansion with glob to patch, found ${all.length}`);
  const m = all[0];
  const [, ic, , , oe, , ke, , , dc, at] = m;
  // (the functions below name their own locals with single letters)
  if ([oe, ke, dc, at].some((n) => n.length === 1)) throw new Error("just-bash bundle: word expansion's helpers have one-letter names");
  const glob = (w) => globTest(at, w);
  const fast =
    // undefined: the word is not one of these, or needs the general path (nothing expanded yet)
    `function __tuxnetWordFast(e,t,kp){let r=t.parts,l=!0,k=0;for(;k<r.length;k++){let x=r[k];if(x.type!=="Literal"){` +
    `if(x.type==="ParameterExpansion"?x.operation||x.parameter==="@"||x.parameter==="*"||x.parameter.includes("["):x.type!=="ArithmeticExpansion")return;l=!1}}` +
    `if(l){let w=r.length===1?r[0].value:r.map(x=>x.value).join("");if(w.length>e.limits.maxStringLength||!${glob("w")})return;` +
    `e.coverage?.hit("bash:expansion:word_glob");return Promise.resolve({values:w===""?[]:[w],quoted:!1})}` +
    `if(!r.some(x=>x.type==="ParameterExpansion")||${oe}(e.state.env))return;e.coverage?.hit("bash:expansion:word_glob");return __tuxnetWordVars(e,r,kp())}` +
    // the parts expanded in order; split and globbed as the splitting pass would when needed
    `async function __tuxnetWordVars(e,r,n){let g=${ke}(e.state.env),v=[],s=!0;` +
    `for(let k=0;k<r.length;k++){let x=r[k];if(x.type==="Literal"){v.push(x.value);continue}let o=await n.expandPart(e,x);v.push(o);` +
    `if(typeof o!=="string")s=!1;else for(let c=0;s&&c<o.length;c++)g.includes(o[c])&&(s=!1)}` +
    `if(s){e.coverage?.hit("bash:expansion:word_split");let w=v.join("");return ${glob("w")}?{values:w===""?[]:[w],quoted:!1}:${dc}(e,[w])}` +
    `let i=0;return ${dc}(e,await n.smartWordSplit(e,r,g,n.buildIfsCharClassPattern(g),()=>v[i++]))}`;
  return edit(src, wordGlobCall(ic), (_s, gt, e, t, kp) => `${fast}function ${gt}(${e},${t}){return __tuxnetWordFast(${e},${t},${kp})??__tuxnetWordSlow(${e},${t})}async function __tuxnetWordSlow(${e},${t}){return ${ic}(${e},${t},${kp}())}`, "expansion of a command's word");
}

// the redirections' set-up: `function Vn(e,t,n){let r={numericSnapshot:new Map,…,policy:n},s=!1;return{prepare:(i="")=>kh(e,t,i,r),finish:()=>{…`
const REDIR_SETUP = new RegExp(`function (${ID})\\((${ID}),(${ID}),(${ID})\\)\\{let (${ID})=\\{numericSnapshot:new Map,fdVariableSnapshot:new Map,standardSnapshot:new Map,standardClosedSnapshot:new Map,fdVariableEnv:new Map,nextFd:\\2\\.state\\.nextFd,policy:\\4\\},(${ID})=!1;return\\{prepare:\\((${ID})=""\\)=>(${ID})\\(\\2,\\3,\\7,\\5\\),finish:`, "g");

function noRedirSetup(span, vn, e, t, n, _r, _s, i, kh) {
  return (
    `var __tuxnetNoSnapshots={numericSnapshot:new Map,fdVariableSnapshot:new Map,standardSnapshot:new Map,standardClosedSnapshot:new Map,fdVariableEnv:new Map,nextFd:0,policy:"scoped"};` +
    span.replace(`function ${vn}(${e},${t},${n}){`, () => `function ${vn}(${e},${t},${n}){if(${t}.length===0&&${n}!=="bare")return{prepare:(${i}="")=>${kh}(${e},${t},${i},__tuxnetNoSnapshots),finish(){}};`)
  );
}

// kh(): `async function kh(e,t,n,r){let s=new Map,i=new Map,o=…,a=new Map([[0,o(0,{kind:"dup-in",sourceFd:0})],…]),l=r.numericSnapshot,c,u=-1,f=a.get(0);
// f?.kind==="input"?(c=f.content,u=0):f?.kind==="readwrite"&&(c=f.content.slice(f.position),u=0);let d=()=>({targets:s,dupSources:i,standardRoutes:a,stdin:c,stdinSourceFd:u,error:null}),`
const REDIR_PREPARE = new RegExp(
  `async function ${ID}\\(${ID},(${ID}),${ID},${ID}\\)\\{let (${ID})=new Map,(${ID})=new Map,[\\s\\S]{0,400}?` +
    `(${ID})\\?\\.kind==="input"\\?\\((${ID})=\\4\\.content,(${ID})=0\\):\\4\\?\\.kind==="readwrite"&&\\(\\5=\\4\\.content\\.slice\\(\\4\\.position\\),\\6=0\\);` +
    `let ${ID}=\\(\\)=>\\(\\{targets:\\2,dupSources:\\3,standardRoutes:(${ID}),stdin:\\5,stdinSourceFd:\\6,error:null\\}\\),`,
  "g",
);

function noRedirPrepare(span, t, s, i, _f, c, u, a) {
  return span.replace(/;let ([\w$]+)=\(\)=>\(\{targets:[\w$]+,dupSources:[\w$]+,standardRoutes:[\w$]+,stdin:[\w$]+,stdinSourceFd:[\w$]+,error:null\}\),$/, (m) =>
    `;if(${t}.length===0)return{targets:${s},dupSources:${i},standardRoutes:${a},stdin:${c},stdinSourceFd:${u},error:null}` + m);
}

// the interpreter's runCommand(): `async runCommand(t,n,r,s,i=!1,o=!1,a=-1,l=!1){let c={ctx:this.ctx,runCommand:(d,p,h,m,w,b,g,y)=>this.runCommand(d,p,h,m,w,b,g,y),buildExportedEnv:()=>this.buildExportedEnv(),executeUserScript:(d,p,h)=>this.executeUserScript(d,p,h)},`
const RUN_CTX = new RegExp(
  `(async runCommand\\(${ID},${ID},${ID},${ID},${ID}=!1,${ID}=!1,${ID}=-1,${ID}=!1\\)\\{let (${ID})=)(\\{ctx:this\\.ctx,runCommand:\\(([\\w$,]+)\\)=>this\\.runCommand\\(\\4\\),` +
    `buildExportedEnv:\\(\\)=>this\\.buildExportedEnv\\(\\),executeUserScript:\\(([\\w$,]+)\\)=>this\\.executeUserScript\\(\\5\\)\\}),`,
  "g",
);

function runCtxOnce(_m, head, _c, literal) {
  return `${head}this.__tuxnetRunCtx!==void 0&&this.__tuxnetRunCtx.ctx===this.ctx?this.__tuxnetRunCtx:(this.__tuxnetRunCtx=${literal}),`;
}

// the class `exit` throws, as a fatal arithmetic error throws it: `if(i.fatal)throw new G(1,"",l);`
const EXIT_CLASS = new RegExp(`if\\(${ID}\\.fatal\\)throw new (${ID})\\(1,"",`);
// the nounset error's class: `if(n&&e.state.options.nounset)throw new Ve("FUNCNAME")`
const UNBOUND_CLASS = new RegExp(`\\.state\\.options\\.nounset\\)throw new (${ID})\\("FUNCNAME"\\)`);
// its ten throws: `if(o===void 0&&n&&e.state.options.nounset)throw new Ve(\`${o}[${c}]\`)`,
// `if(e.state.options.nounset&&!(e.state.env.has(t.array)||Ne(e,t.array)))throw new Ve(…)`
const UNBOUND_THROW = (v) => new RegExp(`(${ID})\\.state\\.options\\.nounset([^;{}]{0,80}?)\\)throw new ${v}\\(([^()]*)\\)`, "g");
// ${NAME?WORD}: `if(e.coverage?.hit("bash:expansion:error_if_unset"),r.isUnset||n.checkEmpty&&r.isEmpty){let o=n.word?await s(e,n.word.parts,r.inDoubleQuotes):\`${t}: parameter null or not set\`;throw new G(1,"",\`bash: ${o}\n\`)}`
const ERROR_IF_UNSET = new RegExp(
  `,(${ID})\\.isUnset\\|\\|(${ID})\\.checkEmpty&&\\1\\.isEmpty\\)\\{let (${ID})=\\2\\.word\\?await (${ID})\\((${ID}),\\2\\.word\\.parts,\\1\\.inDoubleQuotes\\):\`\\$\\{(${ID})\\}: parameter null or not set\`;throw new ${ID}\\(1,"",\`bash: \\$\\{\\3\\}\\n\`\\)\\}`,
  "g",
);
// ${!NAME} of an unset NAME: `if(e.coverage?.hit("bash:expansion:indirection"),ue(e,t))return En(e,t)||"";let a=…;if(r){if(s.innerOp?.type==="UseAlternative")return"";throw new Ke(\`\${!${t}}\`)}`
const INDIRECT_UNSET = new RegExp(
  `(${ID})\\.coverage\\?\\.hit\\("bash:expansion:indirection"\\),${ID}\\(\\1,(${ID})\\)\\)return ${ID}\\(\\1,\\2\\)\\|\\|"";let ${ID}=[^;]*;if\\((${ID})\\)\\{if\\(${ID}\\.innerOp\\?\\.type==="UseAlternative"\\)return"";throw new ${ID}\\(\`\\\\\\$\\{!\\$\\{\\2\\}\\}\`\\)\\}`,
  "g",
);
// an indirection's own name is looked up as for ${NAME-WORD}, not under nounset (its being unset
// is the indirection's error): `let o=s&&(s.type==="DefaultValue"||…||s.type==="ErrorIfUnset"),a=await ie(e,r,!o);`
const INDIRECT_NAME = new RegExp(
  `(let (${ID})=(${ID})&&\\(\\3\\.type==="DefaultValue"\\|\\|\\3\\.type==="AssignDefault"\\|\\|\\3\\.type==="UseAlternative"\\|\\|\\3\\.type==="ErrorIfUnset")(\\),${ID}=await ${ID}\\(${ID},${ID},!\\2\\);)`,
  "g",
);
// a pipeline's element: `N=await n(y,s)}catch($){if($ instanceof Ke)N=…;else if($ instanceof G&&t.commands.length>1)N={stdout:$.stdout,stderr:$.stderr,exitCode:$.exitCode}`
const PIPE_ELEMENT_EXIT = (g) =>
  new RegExp(
    `(await ${ID}\\((${ID}),${ID}\\)\\}catch\\((${ID})\\)\\{if\\(\\3 instanceof ${ID}\\)${ID}=\\{stdout:\\3\\.stdout,stderr:\\3\\.stderr,exitCode:1\\};else if\\(\\3 instanceof ${g}&&${ID}\\.commands\\.length>1\\)${ID}=\\{stdout:\\3\\.stdout,stderr:\\3\\.stderr,exitCode:)\\3\\.exitCode\\}`,
    "g",
  );
// …and the end of that function, the lookup of the name NAME holds: `return i(e,u,o)}return await ie(e,l)}`
const INDIRECT_TARGET = new RegExp(
  `(hit\\("bash:expansion:indirection"\\),${ID}\\(${ID},(${ID})\\)\\)[\\s\\S]{0,1200}?return ${ID}\\(${ID},${ID},${ID}\\)\\})(return await ${ID}\\(${ID},${ID}\\))\\}`,
  "g",
);
// ${#NAME[@]}: `hit("bash:expansion:length");let r=t.match(…);if(r){let s=r[1],i=K(e,s);return i.length>0?…}if(/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(t)&&pt(e,t)){`
const LENGTH_ALL = new RegExp(
  `((${ID})\\.coverage\\?\\.hit\\("bash:expansion:length"\\);let (${ID})=(${ID})\\.match\\([^;]*\\);if\\(\\3\\)\\{let (${ID})=\\3\\[1\\],(${ID})=${ID}\\(\\2,\\5\\);)(return \\6\\.length>0[^}]*\\}if\\(/\\^\\[a-zA-Z_\\]\\[a-zA-Z0-9_\\]\\*\\$/\\.test\\(\\4\\)&&(${ID})\\(\\2,\\4\\)\\))`,
  "g",
);
// a subshell's end: `a instanceof G||a instanceof Te||a instanceof We?(i.append("stdout",…),i.append("stderr",…),i.build(a.exitCode))`
const SUBSHELL_EXIT = new RegExp(
  `((${ID}) instanceof ${ID}\\|\\|\\2 instanceof ${ID}\\|\\|\\2 instanceof ${ID}\\?\\((${ID})\\.append\\("stdout",\\2\\.stdout,\\2\\.internalOutputAccounting\\.stdout\\),\\3\\.append\\("stderr",\\2\\.stderr,\\2\\.internalOutputAccounting\\.stderr\\),\\3\\.build\\()\\2\\.exitCode\\)`,
  "g",
);
// the command substitutions' exit: `c instanceof G?(e.state.lastExitCode=c.exitCode,e.state.env.set("?",String(c.exitCode))`
// and `if(p instanceof G){e.state.lastExitCode=p.exitCode,e.state.env.set("?",String(p.exitCode))`
const SUBST_EXIT = (g) =>
  new RegExp(`(${ID}) instanceof ${g}(\\?\\(|\\)\\{)(${ID})\\.state\\.lastExitCode=\\1\\.exitCode,\\3\\.state\\.env\\.set\\("\\?",String\\(\\1\\.exitCode\\)\\)`, "g");
// the line's end by `exit`: `catch(y){if(y instanceof G)return l({stdout:y.stdout,…,env:Xe(this.state.env,u.env)})`,
// with the script's state (`N=await new kr(k,m).executeScript(S)`) and what makes an env of it
// (`env:Wt(this.ctx.state.env)`)
const LINE_EXIT = new RegExp(
  `(catch\\((${ID})\\)\\{if\\(\\2 instanceof ${ID}\\)return ${ID}\\(\\{stdout:\\2\\.stdout,stderr:\\2\\.stderr,exitCode:\\2\\.exitCode,internalOutputAccounting:\\2\\.internalOutputAccounting,env:)(${ID}\\(this\\.state\\.env,${ID}\\.env\\))\\}\\)`,
  "g",
);
const LINE_STATE = new RegExp(`await new ${ID}\\(${ID},(${ID})\\)\\.executeScript\\(`, "g");
const ENV_OF = new RegExp(`env:(${ID})\\(this\\.ctx\\.state\\.env\\)`, "g");

const reEscape = (id) => id.replace(/\$/g, "\\$");

/** the variable shell.ts sets on the lines of its interactive shell (INTERACTIVE_VAR there) */
const interactiveLine = (e) => `${e}.env.get("TUXNET_INTERACTIVE")`;

function expansionErrorsEndLine(src) {
  const g = EXIT_CLASS.exec(src)?.[1];
  const v = UNBOUND_CLASS.exec(src)?.[1];
  if (!g || !v) throw new Error("just-bash bundle: expected the exit and nounset errors' classes, found none");
  // the error `exit STATUS` throws, with bash's message named as edit 10 names them; `eof`:
  // FORCE_EOF's mark (status 1 in a subshell or a command substitution)
  const thrown = (e, status, msg, eof) => (eof ? `Object.assign(${exitWithMessage(g, e, status, msg)},{__tuxnetEof:!0})` : exitWithMessage(g, e, status, msg));
  let n = 0;
  let out = src.replace(UNBOUND_THROW(reEscape(v)), (_m, e, cond, arg) => {
    n++;
    const shown = `((v)=>/^[1-9][0-9]*$/.test(v)?"$"+v:v)(${arg})+": unbound variable"`;
    return `${e}.state.options.nounset${cond})throw ${thrown(e, 127, shown, true)}`;
  });
  if (n !== 10) throw new Error(`just-bash bundle: expected ten nounset errors to patch, found ${n}`);
  out = edit(out, ERROR_IF_UNSET, (_m, r, op, _o, expand, e, t) => {
    const msg = `(${op}.word?.parts.some((p)=>p.type!=="Literal"||p.value!=="")?${t}+": "+await ${expand}(${e},${op}.word.parts,${r}.inDoubleQuotes):${t}+(${op}.checkEmpty?": parameter null or not set":": parameter not set"))`;
    return `,${r}.isUnset||${op}.checkEmpty&&${r}.isEmpty)throw ${thrown(e, 127, msg, true)};`;
  }, "${NAME?WORD}");
  out = edit(out, INDIRECT_UNSET, (m, e, t, r) => m.replace(/if\([\w$]+\)\{[\s\S]*\}$/, () => `if(${r})throw ${thrown(e, 1, `${t}+": invalid indirect expansion"`, false)};`), "${!NAME}");
  // an unset variable that an indirection names is "!NAME" in the message (`!x: unbound variable`)
  out = edit(out, INDIRECT_TARGET, (_m, head, t, ret) => `${head}try{${ret}}catch(__e){if(__e?.__tuxnetEof)__e.stderr=__e.stderr.replace(/: [^:\\n]*: unbound variable\\n$/,()=>": !"+${t}+": unbound variable\\n");throw __e}}`, "indirection's target");
  // the length of an array with no element under nounset (bash 5.2 counts a scalar's `${#s[@]}` so
  // too): subst.c's error for it is not fatal (DISCARD: status 1)
  out = edit(out, LENGTH_ALL, (_m, head, e, _r, _t, name, elems, rest, isSet) =>
    `${head}if(!${elems}.length&&${e}.state.options.nounset&&!${isSet}(${e},${name}))throw ${thrown(e, 1, `${name}+": unbound variable"`, false)};${rest}`, "${#NAME[@]}");
  out = edit(out, INDIRECT_NAME, (_m, head, _o, op, tail) => `${head}||${op}.type==="Indirection"${tail}`, "indirection's name lookup");
  // (a compound command of a pipeline runs in a subshell: execute_in_subshell()'s status 1; a
  // simple command, forked, still throws to the line's top level: 127)
  out = edit(out, PIPE_ELEMENT_EXIT(reEscape(g)), (_m, head, y, err) => `${head}${err}.__tuxnetEof&&${y}.type!=="SimpleCommand"?1:${err}.exitCode}`, "pipeline element's exit status");
  out = edit(out, SUBSHELL_EXIT, (_m, head, a) => `${head}${a}.__tuxnetEof?1:${a}.exitCode)`, "subshell's exit status");
  let k = 0;
  out = out.replace(SUBST_EXIT(reEscape(g)), (_m, c, open, e) => {
    k++;
    const st = `(${c}.__tuxnetEof?1:${c}.exitCode)`;
    return `${c} instanceof ${g}${open}${e}.state.lastExitCode=${st},${e}.state.env.set("?",String(${st}))`;
  });
  if (k !== 2) throw new Error(`just-bash bundle: expected two command substitutions' exit to patch, found ${k}`);
  // a line so ended keeps the script's variables, not those it began with, so that its EXIT
  // trap is found (shell.ts runs it) as after errexit
  const states = [...out.matchAll(LINE_STATE)].map((m) => m[1]);
  const envOf = new Set([...out.matchAll(ENV_OF)].map((m) => m[1]));
  if (states.length !== 1 || envOf.size !== 1) throw new Error("just-bash bundle: expected the line's state and its env maker, one of each");
  // (an interactive shell goes on to its next line: DISCARD's status 1, shell.ts's variable says which)
  return edit(out, LINE_EXIT, (_m, head, y, initial) =>
    `${head.replace(`exitCode:${y}.exitCode`, () => `exitCode:${y}.__tuxnetEof&&${interactiveLine(states[0])}?1:${y}.exitCode`)}${y}.__tuxnetEof?${[...envOf][0]}(${states[0]}.env):${initial}})`, "line's exit");
}

// the arithmetic error's class: `case"/":if(t===0)throw new ce("division by 0");`
const ARITH_CLASS = new RegExp(`throw new (${ID})\\("division by 0"\\)`);
// `$((…))`: `case"ArithmeticExpansion":{let s=t.expression.originalText;if(s&&/\$[a-zA-Z_]…/.test(s)){let o=await Bl(e,s),a=new Q,l=re(a,o);return String(await Y(e,l.expression,!0))}return String(await Y(e,t.expression.expression,!0))}`
// (its last return as edit 24 makes it: `{let __a=__tuxnetArithSync(e,t.expression.expression);return String(__a!==void 0?__a:await Y(…))}`)
const ARITH_EXPANSION_ERRORS = new RegExp(
  `case"ArithmeticExpansion":\\{let (${ID})=(${ID})\\.expression\\.originalText;if\\(\\1&&(\\/(?:\\\\.|[^\\/])+\\/)\\.test\\(\\1\\)\\)\\{let (${ID})=await (${ID})\\((${ID}),\\1\\),(${ID})=new (${ID}),(${ID})=(${ID})\\(\\7,\\4\\);return String\\(await (${ID})\\(\\6,\\9\\.expression,!0\\)\\)\\}` +
    `(return String\\(await \\11\\(\\6,\\2\\.expression\\.expression,!0\\)\\)|\\{let __a=__tuxnetArithSync\\(\\6,\\2\\.expression\\.expression\\);return String\\(__a!==void 0\\?__a:await \\11\\(\\6,\\2\\.expression\\.expression,!0\\)\\)\\})\\}`,
  "g",
);
// `((…))`: `async executeArithmeticCommand(t){…}catch(n){return D(\`bash: arithmetic expression: ${n.message}\n\`)}`
const ARITH_COMMAND = new RegExp(
  `(async executeArithmeticCommand\\((${ID})\\)\\{[^]{0,400}?\\}catch\\((${ID})\\)\\{)return (${ID})\\(\`bash: arithmetic expression: \\$\\{\\3\\.message\\}\\n\`\\)\\}`,
  "g",
);
// `let`: `async function zo(e,t){if(t.length===0)return D(\`bash: let: expression expected\n\`);…}catch(i){return D(\`bash: let: ${s}: ${i.message}\n\`)}`
const LET_ERROR = new RegExp(
  `(async function ${ID}\\((${ID}),(${ID})\\)\\{if\\(\\3\\.length===0\\)return ${ID}\\(\`bash: let: expression expected\\n\`\\);[^]{0,500}?\\}catch\\((${ID})\\)\\{)return (${ID})\\(\`bash: let: \\$\\{(${ID})\\}: \\$\\{\\4\\.message\\}\\n\`\\)\\}`,
  "g",
);

// a constant with a fraction, thrown while the line is parsed (the whole line fails before it
// runs): `if(t[s]==="."&&/[0-9]/.test(t[s+1]))throw new ce(\`${c}.${t[s+1]}...: syntax error: invalid arithmetic operator\`);`
const ARITH_FRACTION = new RegExp(`throw new ${ID}\\(\`\\$\\{${ID}\\}\\.\\$\\{(${ID})\\[${ID}\\+1\\]\\}\\.\\.\\.: syntax error: invalid arithmetic operator\`\\);`, "g");

function arithmeticAsBash(src) {
  const g = EXIT_CLASS.exec(src)?.[1];
  const ce = ARITH_CLASS.exec(src)?.[1];
  const expander = new RegExp(ARITH_EXPANSION_ERRORS.source).exec(src)?.[5];
  if (!g || !ce || !expander) throw new Error("just-bash bundle: expected the exit and arithmetic errors' classes and $((…)), found none");
  let out = edit(src, ARITH_EXPANSION_ERRORS, (_m, s, t, dollar, o, bl, e, a, q, l, re, y, tail) => {
    return `case"ArithmeticExpansion":{let ${s}=${t}.expression.originalText,__x=${s};try{if(${s}&&${dollar}.test(${s})){let ${o}=await ${bl}(${e},${s});__x=${o};let ${a}=new ${q},${l}=${re}(${a},${o});return String(await ${y}(${e},${l}.expression,!0))}${tail}}catch(__e){if(!(__e instanceof ${ce}))throw __e;__x??="";${expandForMessage("__x", bl, e)}throw ${exitWithMessage(g, e, 1, arithMessage("__x", e, "__e"))}}}`;
  }, "$((…))");
  out = edit(out, ARITH_COMMAND, (_m, head, t, n, d) =>
    `${head}if(${n} instanceof ${g})throw ${n};let __x=${t}.expression.originalText??"";${expandForMessage("__x", expander, "this.ctx")}return ${d}("bash: ((: "+${arithMessage("__x", "this.ctx", n)}+"\\n")}`, "((…))'s error");
  // as bash, which finds it when it evaluates the expression: an error node (what a syntax error
  // the parser finds becomes), thrown when it is evaluated
  out = edit(out, ARITH_FRACTION, (_m, t) => `return{expr:{type:"ArithSyntaxError",errorToken:".",message:"syntax error: invalid arithmetic operator"},pos:${t}.length};`, "fraction in arithmetic");
  return edit(out, LET_ERROR, (_m, head, e, _t, i, d, s) =>
    `${head}if(${i} instanceof ${g})throw ${i};return ${d}("bash: let: "+(${arithError(s, e)}??${s}+": "+${i}.message)+"\\n")}`, "let's error");
}

// the lexer's choice at `((`: `this.looksLikeNestedSubshells(n+2)||this.dparenClosesWithSpacedParens(n+2)`
const DPAREN_GUESS = new RegExp(`this\\.looksLikeNestedSubshells\\((${ID})\\+2\\)\\|\\|this\\.dparenClosesWithSpacedParens\\(\\1\\+2\\)`, "g");

/** the index of the `)` that closes the second parenthesis of a `((` whose text goes on at
 * `p` in the source `s` (JS expressions), -1 when none does: bash's parse_matched_pair() (quotes
 * and backslashes hide their parentheses) */
const dparenClose = (s, p) =>
  `((t,p)=>{let d=1,q="";for(;p<t.length;p++){let c=t[p];if(q){if(c==="\\\\"&&q==='"'){p++;continue}if(c===q)q="";continue}if(c==="\\\\"){p++;continue}if(c==="'"||c==='"'){q=c;continue}if(c==="(")d++;else if(c===")"&&--d===0)return p}return-1})(${s},${p})`;

function dparenAsBash(_m, n) {
  return `((i)=>i>=0&&this.input[i+1]!==")")(${dparenClose("this.input", `${n}+2`)})`;
}

// the text of an arithmetic command: `parseArithmeticCommand(){let t=this.expect(E.DPAREN_START),…let a=this.parseArithmeticExpression(n.trim()),l=`
const DPAREN_TEXT = new RegExp(
  `(parseArithmeticCommand\\(\\)\\{let (${ID})=this\\.expect\\([^]{0,1500}?let (${ID})=this\\.parseArithmeticExpression\\(${ID}\\.trim\\(\\)\\))(,${ID}=this\\.parseOptionalRedirections\\(\\);)`,
  "g",
);

// `[[`'s integer operand: `async function ou(e,t){if(t=t.trim(),t==="")return 0;if(/^[+-]?(…)$/.test(t))return au(t);try{let n=new Q,r=re(n,t);return await Y(e,r.expression)}catch{return au(t)}}`
const COND_OPERAND = new RegExp(
  `(async function ${ID}\\((${ID}),(${ID})\\)\\{if\\(\\3=\\3\\.trim\\(\\),\\3===""\\)return 0;if\\(\\/[^/]+\\/\\.test\\(\\3\\)\\)return (${ID})\\(\\3\\);try\\{let ${ID}=new ${ID},${ID}=${ID}\\(${ID},\\3\\);return await ${ID}\\(\\2,${ID}\\.expression\\)\\})catch\\{return \\4\\(\\3\\)\\}\\}`,
  "g",
);
// `[[`'s error: `catch(n){let r=n instanceof ce?1:2;return D(\`bash: conditional expression: ${n.message}\n\`,r)}`
const COND_ERROR = new RegExp(`(catch\\((${ID})\\)\\{let ${ID}=\\2 instanceof ${ID}\\?1:2;return ${ID}\\(\`bash: )conditional expression: \\$\\{\\2\\.message\\}`, "g");
// test's three words: `async function mr(e,t){if(t.length===0)return L("","",1);…D(\`test: '(' without matching ')'…if(ms(s)){let o=Ss(r),a=Ss(i);return!o.valid||!a.valid?L("","",2)`
const TEST_INTEGERS = new RegExp(
  `(async function ${ID}\\((${ID}),(${ID})\\)\\{if\\(\\3\\.length===0\\)return ${ID}\\("","",1\\);[^]{0,300}?\\?(${ID})\\(\`test: '\\(' without[^]{0,800}?if\\(${ID}\\((${ID})\\)\\)\\{let (${ID})=(${ID})\\((${ID})\\),(${ID})=\\7\\((${ID})\\);return!\\6\\.valid\\|\\|!\\9\\.valid\\?)${ID}\\("","",2\\)`,
  "g",
);
// the builtin's dispatch: `if(t==="["||t==="test"){let f=n;if(t==="["){…}return mr(c,f)}`
const TEST_DISPATCH = new RegExp(`(if\\((${ID})==="\\["\\|\\|\\2==="test"\\)\\{let (${ID})=${ID};if\\(\\2==="\\["\\)\\{[^}]*\\}return )(${ID})\\((${ID}),\\3\\)\\}`, "g");

// an empty operand is no integer for test (test.c legal_number()): `function Ss(e){if(e=e.trim(),e==="")return{value:0,valid:!0};`
const TEST_EMPTY = new RegExp(`(function ${ID}\\((${ID})\\)\\{if\\(\\2=\\2\\.trim\\(\\),\\2===""\\)return\\{value:0,valid:)!0\\}`, "g");
// test of more words: `if(ms(s)){let i=Ss(r),o=Ss(t[n+2]??"0");return!i.valid||!o.valid?{value:!1,pos:n+3}`
const TEST_INTEGERS_MORE = new RegExp(
  `(if\\(${ID}\\(${ID}\\)\\)\\{let (${ID})=(${ID})\\((${ID})\\),(${ID})=\\3\\((${ID})\\[(${ID})\\+2\\]\\?\\?"0"\\);return!\\2\\.valid\\|\\|!\\5\\.valid\\?)\\{value:!1,pos:\\7\\+3\\}`,
  "g",
);

/** test's error for the operand `word` (a JS expression) that is no integer: thrown to the
 * builtin's dispatch, which words it (TEST_DISPATCH) */
const testIntError = (word) => `(()=>{throw Object.assign(new Error("integer expression expected"),{__tuxnetTestInt:${word}})})()`;

function testIntegersAsBash(src) {
  const g = EXIT_CLASS.exec(src)?.[1];
  const ce = ARITH_CLASS.exec(src)?.[1];
  if (!g || !ce) throw new Error("just-bash bundle: expected the exit and arithmetic errors' classes, found none");
  let out = edit(src, COND_OPERAND, (_m, head, e, t, au) =>
    `${head}catch(__e){if(__e instanceof ${g})throw __e;let __m=${arithError(t, e)};if(__m!==void 0)throw Object.assign(new ${ce}(__m),{__tuxnetCond:!0});return ${au}(${t})}}`, "[['s integer operand");
  out = edit(out, COND_ERROR, (_m, head, n) => `${head}\${${n}.__tuxnetCond?"[[":"conditional expression"}: \${${n}.message}`, "[['s error");
  // (an operand that is no integer ends the test, with three words or more: testIntError()'s
  // throw, worded here with the name the builtin was called by, `[` or `test`)
  const d = /return ([\w$]+)\("\[: missing/.exec(src)?.[1];
  if (!d) throw new Error("just-bash bundle: expected test's missing-] error, found none");
  out = edit(out, TEST_DISPATCH, (_m, head, t, f, mr, c) =>
    `${head}${mr}(${c},${f}).catch((__e)=>{if(__e?.__tuxnetTestInt===void 0)throw __e;return ${d}(\`bash: \${${t}}: \${__e.__tuxnetTestInt}: integer expression expected\\n\`,2)})}`, "test's dispatch");
  out = edit(out, TEST_EMPTY, (_m, head) => `${head}!1}`, "test's empty operand");
  out = edit(out, TEST_INTEGERS_MORE, (_m, head, i, _ss, r, o, t, n) =>
    `${head}${testIntError(`${i}.valid?${t}[${n}+2]??"":${r}`)}`, "test's integer operands (more words)");
  return edit(out, TEST_INTEGERS, (_m, head, _e, _t, _d, _op, o, _ss, r, _a, i) => `${head}${testIntError(`${o}.valid?${i}:${r}`)}`, "test's integer operands");
}

// an integer variable's assignment: `if(Er(e,a))try{let f=new Q;if(s){…}else{let d=re(f,r);c=String(await Y(e,d.expression))}}catch{c="0"}`
const INT_ASSIGN = new RegExp(
  `(if\\(${ID}\\((${ID}),(${ID})\\)\\)try\\{let ${ID}=new ${ID};if\\(${ID}\\)\\{[^]{0,200}?\\}else\\{let ${ID}=${ID}\\(${ID},(${ID})\\);(${ID})=String\\(await ${ID}\\(\\2,${ID}\\.expression\\)\\)\\}\\})catch\\{\\5="0"\\}`,
  "g",
);
// an element's subscript: `let c;if(/^-?\d+$/.test(a))c=Number.parseInt(a,10);else try{let f=new Q,d=re(f,a);c=await Y(e,d.expression)}catch{…}if(c<0){let f=K(e,o),d=e.state.currentLine;`
const ELEMENT_SUBSCRIPT = new RegExp(
  `(let (${ID});if\\(\\/\\^-\\?\\\\d\\+\\$\\/\\.test\\((${ID})\\)\\)\\2=Number\\.parseInt\\(\\3,10\\);else try\\{let ${ID}=new ${ID},${ID}=${ID}\\(${ID},\\3\\);\\2=await ${ID}\\((${ID}),${ID}\\.expression\\)\\}catch)\\{([^]{0,120}?\\}if\\(\\2<0\\)\\{let ${ID}=${ID}\\(${ID},${ID}\\),${ID}=${ID}\\.state\\.currentLine;)`,
  "g",
);

// the C-style for loop: `async function vm(e,t){let n=t.line;…t.init&&await Y(e,t.init.expression)`
const FOR_ARITH = new RegExp(`async function (${ID})\\((${ID}),(${ID})\\)\\{(?=let ${ID}=\\3\\.line;[^]{0,120}?\\3\\.init&&await ${ID}\\(\\2,\\3\\.init\\.expression\\))`, "g");

function integerErrorsAsBash(src) {
  const g = EXIT_CLASS.exec(src)?.[1];
  if (!g) throw new Error("just-bash bundle: expected the exit error's class, found none");
  const discard = (e, text, err) => exitWithMessage(g, e, 1, arithMessage(text, e, err));
  const ce = ARITH_CLASS.exec(src)?.[1];
  if (!ce) throw new Error("just-bash bundle: expected the arithmetic error's class, found none");
  // (the loop's body, renamed, inside a function of its name that words an arithmetic error
  // of its head: of init, condition and update, the first bash finds an error in)
  let out = edit(src, FOR_ARITH, (_m, f, e, t) =>
    `async function ${f}(${e},${t}){try{return await ${f}__tux(${e},${t})}catch(__e){if(__e instanceof ${ce}&&!__e.__tuxnetFor){let __m;for(let __x of [${t}.init,${t}.condition,${t}.update])if(__x&&(__m=${arithError("__x.originalText??\"\"", e)})!==void 0)break;if(__m!==void 0)__e.stderr="bash: ((: "+__m+"\\n",__e.__tuxnetFor=!0}throw __e}}async function ${f}__tux(${e},${t}){`, "for ((…))'s head");
  // (what the loop wrote before its head failed goes with the error, as bash has written it)
  const inner = new RegExp(`(async function [\\w$]+__tux\\([\\w$]+,[\\w$]+\\)\\{[^]{0,1500}?)(\\}finally\\{([\\w$]+)\\.state\\.loopDepth--\\}return ([\\w$]+)\\.build\\()`, "g");
  out = edit(out, inner, (_m, head, tail, _e, r) => `${head}}catch(__e){throw __e instanceof ${ce}&&__e.prependOutput(${r}.stdout,${r}.stderr),__e${tail}`, "for ((…))'s output before an error");
  out = edit(out, INT_ASSIGN, (_m, head, e, _a, r) => `${head}catch(__e){if(__e instanceof ${g})throw __e;throw ${discard(e, r, "__e")}}`, "integer variable's assignment");
  // (a subscript that is no expression, which bash also fails on, still goes just-bash's way)
  return edit(out, ELEMENT_SUBSCRIPT, (_m, head, _c, a, e, rest) =>
    `${head}(__e){if(__e instanceof ${g})throw __e;if(${arithError(a, e)}!==void 0)throw ${discard(e, a, "__e")};${rest}`, "array element's subscript");
}

// `$-` after edit 4: `case"-":{let o="";return …,o+="h",…,o+="c",o}`
const DASH_LINE = new RegExp(`(case"-":\\{let (${ID})="";return ([\\w$]+)\\.state\\.options\\.errexit[^}]*?\\2\\+="h",)([^}]*?)\\2\\+="c",\\2\\}`, "g");

function dashInteractive(_m, head, o, e, rest) {
  const tty = interactiveLine(`${e}.state`);
  return `${head}${tty}&&(${o}+="im"),${rest}${o}+=${tty}?"Hs":"c",${o}}`;
}

// pf()'s lookup and call of the command: `let{ctx:i,buildExportedEnv:o,executeUserScript:a}=e,c=await Xu(i,t,s?"/usr/bin:/bin":void 0);`
// and (after edit 1) `try{let v=()=>ma(i.requireDefenseContext,"command",`${t} execution`,()=>u.execute(n,y)),k=()=>u.trusted?v():wm(…),A=u.trusted?await Ce.runTrustedAsync(k):await k();`
const CMD_LOOKUP = new RegExp(`let\\{ctx:(${ID}),buildExportedEnv:${ID},executeUserScript:${ID}\\}=${ID},(${ID})=await (${ID})\\(\\1,(${ID}),(${ID})\\?"/usr/bin:/bin":void 0\\);`, "g");
const CMD_CALL = new RegExp(
  `let (${ID})=\\(\\)=>${ID}\\((${ID})\\.requireDefenseContext,"command",\`\\$\\{${ID}\\} execution\`,\\(\\)=>(${ID})\\.execute\\((${ID}),(${ID})\\)\\),` +
    `(${ID})=\\(\\)=>\\3\\.trusted\\?\\1\\(\\):[^;]*?,(${ID})=\\3\\.trusted\\?await (${ID})\\.runTrustedAsync\\(\\6\\):await \\6\\(\\);`,
  "g",
);

function lookupInternalFirst(span, i, c, xu, t) {
  return span.replace(`${c}=await ${xu}(`, () => `${c}=${t}.startsWith("/usr/bin/__")&&${i}.commands.get(${t}.slice(9))?{cmd:${i}.commands.get(${t}.slice(9)),path:${t}}:await ${xu}(`);
}

function trustedCalled(span, _v, i, u, n, y, k, a, ce) {
  const tail = `,${a}=${u}.trusted?await ${ce}.runTrustedAsync(${k}):await ${k}();`;
  if (!span.endsWith(tail)) throw new Error("just-bash bundle: trusted command's call not as expected");
  return span.slice(0, -tail.length) + `,${a}=${u}.trusted?${i}.requireDefenseContext||${ce}.getCurrentExecutionId()!==void 0?await ${ce}.runTrustedAsync(${k}):await ${u}.execute(${n},${y}):await ${k}();`;
}

// the word expansion's arithmetic: `case"ArithmeticExpansion":{let s=t.expression.originalText;…return String(await Y(e,t.expression.expression,!0))}`;
// the evaluator's operators: `let i=await s(t.left),o=await s(t.right);return Yp(i,o,t.operator)}case"ArithUnary":` … `return Jp(i,t.operator)}case"ArithTernary"`
const ARITH_EXPANSION = new RegExp(
  `(case"ArithmeticExpansion":\\{let ${ID}=(${ID})\\.expression\\.originalText;[^}]*\\})return String\\(await (${ID})\\((${ID}),\\2\\.expression\\.expression,!0\\)\\)\\}`,
  "g",
);
const ARITH_BINOP = new RegExp(`let (${ID})=await (${ID})\\((${ID})\\.left\\),(${ID})=await \\2\\(\\3\\.right\\);return (${ID})\\(\\1,\\4,\\3\\.operator\\)\\}case"ArithUnary":`);
const ARITH_UNOP = new RegExp(`return (${ID})\\((${ID}),(${ID})\\.operator\\)\\}case"ArithTernary"`);

/** edit 24's evaluator (undefined: not one it takes; nothing was changed) */
function arithSync(yp, jp) {
  const ev = "__tuxnetArithSync";
  return (
    `function ${ev}(e,t){if(!t)return;switch(t.type){` +
    `case"ArithNumber":return Number.isNaN(t.value)?void 0:t.value;` +
    // Hi(): the variable's value, "" as 0, a decimal integer as itself
    `case"ArithVariable":{let v=e.state.env.get(t.name);if(v===void 0)return;if(!v)return 0;let n=Number.parseInt(v,10);return!Number.isNaN(n)&&__tuxnetDecimal.test(v.trim())?n:void 0}` +
    `case"ArithNested":case"ArithGroup":return ${ev}(e,t.expression);` +
    `case"ArithBinary":{let l=${ev}(e,t.left);if(l===void 0)return;` +
    `if(t.operator==="||"){if(l)return 1;let r=${ev}(e,t.right);return r===void 0?void 0:r?1:0}` +
    `if(t.operator==="&&"){if(!l)return 0;let r=${ev}(e,t.right);return r===void 0?void 0:r?1:0}` +
    `let r=${ev}(e,t.right);if(r===void 0||r===0&&(t.operator==="/"||t.operator==="%")||r<0&&t.operator==="**")return;return ${yp}(l,r,t.operator)}` +
    `case"ArithUnary":{if(t.operator==="++"||t.operator==="--")return;let i=${ev}(e,t.operand);return i===void 0?void 0:${jp}(i,t.operator)}` +
    `case"ArithTernary":{let c=${ev}(e,t.condition);return c===void 0?void 0:${ev}(e,c?t.consequent:t.alternate)}` +
    // (a regular expression literal is a new object at each evaluation)
    `}}var __tuxnetDecimal=/^-?\\d+$/;`
  );
}

function arithFirst(src) {
  const yp = ARITH_BINOP.exec(src)?.[5];
  const jp = ARITH_UNOP.exec(src)?.[1];
  if (!yp || !jp) throw new Error("just-bash bundle: arithmetic evaluator's operators not found");
  const out = edit(
    src,
    ARITH_EXPANSION,
    (_m, head, t, y, e) =>
      `${head}{let __a=__tuxnetArithSync(${e},${t}.expression.expression);return String(__a!==void 0?__a:await ${y}(${e},${t}.expression.expression,!0))}}`,
    "arithmetic expansion",
  );
  return out + `;${arithSync(yp, jp)}\n`;
}

// executeSimpleCommandInner(): `this.ctx.state.expansionStderr="";let s=await nf(this.ctx,t);`, `let u=await se(this.ctx,t.name),f=[],`,
// `else for(let P of t.args){let $=await gt(this.ctx,P);`, `let S=await ef(this.ctx,u,f);`
const ASSIGNS = new RegExp(`this\\.ctx\\.state\\.expansionStderr="";let (${ID})=await (${ID})\\(this\\.ctx,(${ID})\\);`, "g");
const NAME_WORD = new RegExp(`let (${ID})=await (${ID})\\(this\\.ctx,(${ID})\\.name\\),(${ID})=\\[\\],`, "g");
const ARG_WORDS = new RegExp(`else for\\(let (${ID}) of (${ID})\\.args\\)\\{let (${ID})=await (${ID})\\(this\\.ctx,\\1\\);`, "g");
const TRACE_CMD = new RegExp(`let (${ID})=await (${ID})\\(this\\.ctx,(${ID}),(${ID})\\);(${ID})\\.size>0&&\\(this\\.ctx\\.state\\.tempEnvBindings`, "g");
// executeCommand(): `let o=await qi(this.ctx,s);return!o.stdout&&!o.stderr?i:`
const PROC_SUBST = new RegExp(`let (${ID})=await (${ID})\\(this\\.ctx,(${ID})\\);return!\\1\\.stdout&&!\\1\\.stderr\\?(${ID}):`, "g");
// runCommand(): `u=await df(c,t,n,r,s,i,o,a,l);` and df(): `async function df(e,t,n,r,s,i,o,a,l=!1){let{ctx:c,runCommand:u}=e;if(c.coverage&&…return null}`
const BUILTINS_CALL = new RegExp(`(${ID})=await (${ID})\\((${ID}),(${ID}),(${ID}),(${ID}),(${ID}),(${ID}),(${ID}),(${ID}),(${ID})\\);return \\1!==null\\?`, "g");

/** the names df() handles: every `t==="NAME"` in its body */
function builtinNames(src, df) {
  const m = new RegExp(`async function ${df.replace(/\$/g, "\\$")}\\(${ID},(${ID}),[^)]*\\)\\{let\\{ctx:${ID},runCommand:${ID}\\}=${ID};([\\s\\S]*?)return null\\}`).exec(src);
  if (!m) throw new Error("just-bash bundle: builtin dispatch not found");
  const names = [...m[2].matchAll(new RegExp(`(?<![\\w$.])${m[1].replace(/\$/g, "\\$")}==="([^"\\\\]*)"`, "g"))].map((x) => x[1]);
  for (const must of ["export", "cd", "true", "[", "test", "exec", "type", "readonly", "__just_bash_tee_restore"])
    if (!names.includes(must)) throw new Error(`just-bash bundle: builtin dispatch without ${must}`);
  return [...new Set(names)];
}

function stepsNotAwaited(src) {
  let out = edit(src, ASSIGNS, (_m, s, nf, t) => `this.ctx.state.expansionStderr="";let ${s}=${t}.assignments.length===0?{continueToNext:!1,xtraceOutput:"",tempAssignments:new Map}:await ${nf}(this.ctx,${t});`, "simple command's assignments");
  // a one-literal name: Zi()'s value (within the string limit, or its error the long way)
  out = edit(
    out,
    NAME_WORD,
    (_m, u, se, t, f) =>
      `let ${u}=${t}.name.parts.length===1&&${t}.name.parts[0].type==="Literal"&&${t}.name.parts[0].value.length<=this.ctx.limits.maxStringLength?${t}.name.parts[0].value:await ${se}(this.ctx,${t}.name),${f}=[],`,
    "simple command's name",
  );
  out = edit(out, ARG_WORDS, (_m, p, t, w, gt) => `else for(let ${p} of ${t}.args){let ${w}=__tuxnetWordSync(this.ctx,${p})??await ${gt}(this.ctx,${p});`, "simple command's words");
  out = edit(out, TRACE_CMD, (m, s, ef) => m.replace(`${s}=await ${ef}(`, () => `${s}=!this.ctx.state.options.xtrace?"":await ${ef}(`), "simple command's trace");
  out = edit(out, PROC_SUBST, (m, o, qi, s) => m.replace(`${o}=await ${qi}(`, () => `${o}=(this.ctx.state.processSubstitutions?.length??0)<=${s}?{stdout:"",stderr:""}:await ${qi}(`), "process substitutions' clean-up");
  const df = new RegExp(BUILTINS_CALL.source).exec(out)?.[2] ?? "";
  const names = JSON.stringify(builtinNames(out, df));
  out = edit(
    out,
    BUILTINS_CALL,
    (m, u, _df, c, t, _n, _r, _s, i) =>
      m.replace(`${u}=await `, () => `${u}=!${c}.ctx.coverage&&!__tuxnetBuiltins.has(${t})&&(${i}||!${c}.ctx.state.functions.get(${t}))?null:await `),
    "builtin dispatch",
  );
  // (the helpers edit 20 names: the glob test, IFS empty, IFS's characters)
  const at = /\(e\.state\.options\.noglob\|\|!([\w$]+)\(w,e\.state\.shoptOptions\.extglob\)\)/.exec(out)?.[1];
  const oe = /\|\|([\w$]+)\(e\.state\.env\)\)return;e\.coverage\?\.hit\("bash:expansion:word_glob"\);return __tuxnetWordVars/.exec(out)?.[1];
  const ke = /async function __tuxnetWordVars\(e,r,n\)\{let g=([\w$]+)\(e\.state\.env\)/.exec(out)?.[1];
  if (!at || !oe || !ke) throw new Error("just-bash bundle: edit 20's word expansion not found");
  const specials = JSON.stringify(computedVars(out));
  const glob = (w) => globTest(at, w);
  const sync =
    // expandParameter()'s value of a plain $NAME, when it only reads the variable
    `function __tuxnetParamSync(e,x){let t=x.parameter;if(x.operation||!__tuxnetIdent.test(t)||__tuxnetComputedVars.has(t)||e.state.namerefs?.has(t))return;` +
    `let i=e.state.env.get(t);if(i===void 0)return;` +
    `e.state.tempEnvBindings?.some(o=>o.has(t))&&(e.state.accessedTempEnvVars=e.state.accessedTempEnvVars||new Set,e.state.accessedTempEnvVars.add(t));return i}` +
    `function __tuxnetWordSync(e,t){let r=t.parts,pe=!1,v=[];for(let k=0;k<r.length;k++){let x=r[k],o;` +
    `if(x.type==="Literal")o=x.value;else if(x.type==="ParameterExpansion"){o=__tuxnetParamSync(e,x);if(o===void 0)return;pe=!0}` +
    `else if(x.type==="ArithmeticExpansion"){let s=x.expression.originalText;if(s&&__tuxnetDollarName.test(s))return;let a=__tuxnetArithSync(e,x.expression.expression);if(a===void 0)return;o=String(a)}` +
    `else return;v.push(o)}let w=v.length===1?v[0]:v.join("");` +
    // no $NAME: Ic()'s expansion, unsplit (within the string limit, or its error the long way)
    `if(!pe){if(w.length>e.limits.maxStringLength||!${glob("w")})return;e.coverage?.hit("bash:expansion:word_glob");return{values:w===""?[]:[w],quoted:!1}}` +
    // a $NAME: edit 20's, when nothing splits
    `if(${oe}(e.state.env))return;let g=${ke}(e.state.env);for(let k=0;k<r.length;k++)if(r[k].type!=="Literal"){let o=v[k];for(let c=0;c<o.length;c++)if(g.includes(o[c]))return}` +
    `if(!${glob("w")})return;e.coverage?.hit("bash:expansion:word_glob");e.coverage?.hit("bash:expansion:word_split");return{values:w===""?[]:[w],quoted:!1}}`;
  return out + `;var __tuxnetBuiltins=new Set(${names}),__tuxnetComputedVars=new Set(${specials}),__tuxnetIdent=/^[a-zA-Z_][a-zA-Z0-9_]*$/,__tuxnetDollarName=/\\$[a-zA-Z_][a-zA-Z0-9_]*(?![{[(])/;${sync}\n`;
}

/** the variables expandParameter() computes or reads its own way: the names of its switch */
function computedVars(src) {
  const m = new RegExp(`async function ${ID}\\(${ID},(${ID}),${ID}=!0,${ID}=!1\\)\\{switch\\(\\1\\)\\{(case"\\?":return String\\([\\s\\S]*?)\\}if\\(/\\^\\[a-zA-Z_\\]`).exec(src);
  if (!m) throw new Error("just-bash bundle: parameter expansion's special variables not found");
  const names = [...m[2].matchAll(/case"([^"]*)":/g)].map((x) => x[1]).filter((n) => /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n));
  for (const must of ["_", "LINENO", "RANDOM", "SECONDS", "PWD", "BASH_SOURCE", "PPID"])
    if (!names.includes(must)) throw new Error(`just-bash bundle: parameter expansion's special variables without ${must}`);
  return names;
}

// pf(): `return{...A,internalStdinConsumed:A.internalStdinConsumed??(p.p?r.length:0)}`;
// runCommand(): `{...u,internalProducerCommand:t}:u:{...await pf(c,t,n,s,o),internalProducerCommand:t}`
const STDIN_CONSUMED = new RegExp(`return\\{\\.\\.\\.(${ID}),internalStdinConsumed:(\\1\\.internalStdinConsumed\\?\\?\\(${ID}\\.p\\?${ID}\\.length:0\\))\\}`, "g");
const PRODUCER = new RegExp(`\\{\\.\\.\\.(${ID}),internalProducerCommand:(${ID})\\}:\\1:\\{\\.\\.\\.(await ${ID}\\([\\w$,]*\\)),internalProducerCommand:\\2\\}`, "g");

function resultsAssigned(src) {
  const out = edit(src, STDIN_CONSUMED, (_m, a, v) => `return Object.assign({},${a},{internalStdinConsumed:${v}})`, "command's stdin consumed");
  return edit(
    out,
    PRODUCER,
    (_m, u, t, call) => `Object.assign({},${u},{internalProducerCommand:${t}}):${u}:Object.assign({},${call},{internalProducerCommand:${t}})`,
    "command's producer",
  );
}

// the execution scope's throwIfAborted(): `…,Date.now()-this.startedAt>this.limits.maxExecutionTimeMs&&this.fail(`
const DEADLINE = /,Date\.now\(\)-this\.startedAt>this\.limits\.maxExecutionTimeMs&&this\.fail\(/g;

function deadlineFinite(span) {
  return span.replace(",Date.now()", ",this.limits.maxExecutionTimeMs!==1/0&&Date.now()");
}

// SHELLOPTS' names: `var sd=["allexport",…,"xtrace"],id=["braceexpand",…];function si(e){…].sort((r,s)=>r.name.localeCompare(s.name));`
const SHELLOPTS_SORT = new RegExp(
  `var ${ID}=(\\["allexport"[^\\]]*\\]),${ID}=(\\[[^\\]]*\\]);function ${ID}\\(${ID}\\)\\{[^;]*?\\.sort\\(\\((${ID}),(${ID})\\)=>\\3\\.name\\.localeCompare\\(\\4\\.name\\)\\)`,
  "g",
);

function shelloptsByCodeUnit(span, a, b, r, s) {
  const names = [...JSON.parse(a), ...JSON.parse(b)];
  const byUnit = [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  if (byUnit.join() !== [...names].sort((x, y) => x.localeCompare(y)).join()) throw new Error("just-bash bundle: SHELLOPTS' names sort differently by code unit");
  return span.replace(`.sort((${r},${s})=>${r}.name.localeCompare(${s}.name))`, () => `.sort((${r},${s})=>${r}.name<${s}.name?-1:${r}.name>${s}.name?1:0)`);
}

function edit(src, re, fn, what) {
  let n = 0;
  const out = src.replace(re, (...m) => {
    n++;
    return fn(...m.slice(0, -2));
  });
  if (n !== 1) throw new Error(`just-bash bundle: expected one ${what} to patch, found ${n}`);
  return out;
}

export function patch(src) {
  let out = src;
  if (!out.includes(MARK)) {
    out = edit(out, DISPATCH, trustedDirect, "command dispatch");
    out = edit(out, SCOPE, trustedScope, "execution scope");
    out = edit(out, HANDLERS, plainWordsSkip, "word expansion");
    out = MARK + out;
  }
  if (!out.includes(MARK_SBIN)) {
    const fn = new RegExp(BINPATH.source).exec(out)?.[1] ?? "";
    out = edit(out, BINPATH, sbinToo, "command path test");
    out = MARK_SBIN + edit(out, typeAllList(fn), typeAllLooks, "type -a path list");
  }
  if (!out.includes(MARK_DASH)) out = MARK_DASH + edit(out, DASH, bashDashOrder, "$- flags");
  if (!out.includes(MARK_STDIN)) out = MARK_STDIN + edit(out, STDIN, sharedStdinGetter, "command context stdin getter");
  if (!out.includes(MARK_PARSE)) out = MARK_PARSE + edit(out, PARSE_GUARD, parseGuardByTokens, "parser progress guard");
  if (!out.includes(MARK_ABORT)) out = MARK_ABORT + abortKeepsOutput(out);
  if (!out.includes(MARK_FNSRC)) out = MARK_FNSRC + edit(out, FUNC_BODY, functionSourceNames, "function body's messages");
  if (!out.includes(MARK_LINES)) out = MARK_LINES + edit(out, REDIRECT_RESULT, messagesNameLine, "redirection of a command's result");
  if (!out.includes(MARK_INTERNAL)) out = MARK_INTERNAL + edit(out, LOOKUP, internalDirect, "command lookup");
  if (!out.includes(MARK_XTRACE)) {
    const ps4 = new RegExp(XTRACE_WORDS.source).exec(out)?.[6] ?? "";
    out = edit(out, XTRACE_WORDS, xtraceAsWritten, "xtrace of a command");
    out = edit(out, FOR_TURN, forTurnTraced(ps4), "for loop's turn");
    out = edit(out, XTRACE_ASSIGN, assignmentQuoted, "xtrace of an assignment");
    out = MARK_XTRACE + edit(out, TRACE_THEN_REDIRECT, traceBeforeRedirect, "xtrace and redirections");
  }
  if (!out.includes(MARK_COMMANDV)) out = MARK_COMMANDV + edit(out, COMMAND_V, commandVAsBash, "command -v/-V");
  if (!out.includes(MARK_BUNDLED)) out = MARK_BUNDLED + edit(out, BUNDLED, bundledTrusted, "bundled command registration");
  if (!out.includes(MARK_FNTEXT)) {
    out = edit(out, TYPE_FN, typeFnText, "type's function text");
    out = edit(out, DECLARE_F, declareFnText, "declare -f");
    out = MARK_FNTEXT + edit(out, COMMAND_V_FN, commandVFnText, "command -V of a function");
  }
  if (!out.includes(MARK_EXPENV)) out = MARK_EXPENV + edit(out, EXPORTED_ENV, exportedEnvDirect, "exported environment");
  if (!out.includes(MARK_WORDFAST)) out = MARK_WORDFAST + wordFast(out);
  if (!out.includes(MARK_NOREDIR)) {
    out = edit(out, REDIR_SETUP, noRedirSetup, "redirections' set-up");
    out = MARK_NOREDIR + edit(out, REDIR_PREPARE, noRedirPrepare, "redirections' preparation");
  }
  if (!out.includes(MARK_RUNCTX)) out = MARK_RUNCTX + edit(out, RUN_CTX, runCtxOnce, "command runner's context");
  if (!out.includes(MARK_TRUSTCALL)) {
    out = edit(out, CMD_LOOKUP, lookupInternalFirst, "command lookup's call");
    out = MARK_TRUSTCALL + edit(out, CMD_CALL, trustedCalled, "trusted command's call");
  }
  if (!out.includes(MARK_ARITH)) out = MARK_ARITH + arithFirst(out);
  if (!out.includes(MARK_NOAWAIT)) out = MARK_NOAWAIT + stepsNotAwaited(out);
  if (!out.includes(MARK_ASSIGN)) out = MARK_ASSIGN + resultsAssigned(out);
  if (!out.includes(MARK_DEADLINE)) out = MARK_DEADLINE + edit(out, DEADLINE, deadlineFinite, "execution deadline");
  if (!out.includes(MARK_OPTSORT)) out = MARK_OPTSORT + edit(out, SHELLOPTS_SORT, shelloptsByCodeUnit, "SHELLOPTS' sort");
  if (!out.includes(MARK_UNBOUND)) out = MARK_UNBOUND + expansionErrorsEndLine(out);
  if (!out.includes(MARK_ARITHMSG)) out = MARK_ARITHMSG + arithmeticAsBash(out);
  if (!out.includes(MARK_TESTINT)) out = MARK_TESTINT + testIntegersAsBash(out);
  if (!out.includes(MARK_INTVAR)) out = MARK_INTVAR + integerErrorsAsBash(out);
  if (!out.includes(MARK_DASHI)) out = MARK_DASHI + edit(out, DASH_LINE, dashInteractive, "an interactive line's $-");
  if (!out.includes(MARK_DPAREN)) {
    out = edit(out, DPAREN_GUESS, dparenAsBash, "(( as arithmetic or subshells");
    // (the same scan from the token's end, to the ) that closes the second parenthesis)
    out = MARK_DPAREN + edit(out, DPAREN_TEXT, (_m, head, t, a, tail) =>
      `${head};{let __p=${dparenClose("this._input", `${t}.end`)};__p>=0&&(${a}.originalText=this._input.slice(${t}.end,__p))}let ${tail.slice(1)}`, "arithmetic command's text");
  }
  return out;
}

const PINNED = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).dependencies["just-bash"];
const bundle = dirname(fileURLToPath(import.meta.resolve("just-bash")));
const { version } = JSON.parse(readFileSync(join(bundle, "..", "..", "package.json"), "utf8"));
if (version !== PINNED) {
  // another just-bash than package.json pins (a parent project's): run it as it is
  console.warn(`tuxnet: just-bash ${version} is not ${PINNED}: its bundles are left unpatched (slower commands)`);
  process.exit(0);
}
for (const f of ["index.js", "index.cjs", "browser.js"]) {
  const path = join(bundle, f);
  if (!existsSync(path)) throw new Error(`${path}: missing`);
  const src = readFileSync(path, "utf8");
  const out = patch(src);
  if (out !== src) writeFileSync(path, out);
}
/**
 * An edit of a part of just-bash that lives inline in index.cjs and browser.js and in a chunk
 * of its own for index.js: made in every file of the bundle that has it (`fn` returns
 * undefined for one that does not), which must be three.
 */
function patchEveryFile(mark, fn, what) {
  let files = 0;
  for (const f of ["index.js", "index.cjs", "browser.js", ...readdirSync(join(bundle, "chunks")).map((c) => `chunks/${c}`)]) {
    const path = join(bundle, f);
    if (!f.endsWith(".js") && !f.endsWith(".cjs")) continue;
    const src = readFileSync(path, "utf8");
    if (src.includes(mark)) {
      files++;
      continue;
    }
    const out = fn(src);
    if (out === undefined) continue;
    writeFileSync(path, out);
    files++;
  }
  if (files !== 3) throw new Error(`just-bash bundle: expected its ${what} in three files, found ${files}`);
}
patchEveryFile(MARK_SEDV, patchSedVersion, "sed"); // edit 7
patchEveryFile(MARK_AWKNUM, patchAwkNumbers, "awk"); // edit 12
patchEveryFile(MARK_AWKFMT, patchAwkFloats, "awk's sprintf"); // edit 13
patchEveryFile(MARK_NORMPATH, patchNormalizePath, "path normalization"); // edit 18
