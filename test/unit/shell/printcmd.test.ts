/**
 * shell/printcmd.ts: a function's text as bash 5.2.15 (Debian 12) prints it with `declare -f`
 * (each expected text recorded from that bash).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "just-bash";
import { namedFunctionString } from "../../../src/shell/printcmd.ts";

const CASES: [source: string, bash: string][] = [
  ["f() { echo hi; }", "f () \n{ \n    echo hi\n}\n"],
  ["f() { local a=1; if [ $a = 1 ]; then echo one; elif [ $a = 2 ]; then echo two; else echo other; fi; for i in 1 2; do echo $i; done; }", "f () \n{ \n    local a=1;\n    if [ $a = 1 ]; then\n        echo one;\n    else\n        if [ $a = 2 ]; then\n            echo two;\n        else\n            echo other;\n        fi;\n    fi;\n    for i in 1 2;\n    do\n        echo $i;\n    done\n}\n"],
  ["f() { echo hi | grep h > /dev/null 2>&1 && echo ok || echo no; ! true; }", "f () \n{ \n    echo hi | grep h > /dev/null 2>&1 && echo ok || echo no;\n    ! true\n}\n"],
  ["g() { case $1 in a|b) echo A;; c) ;; *) echo other;; esac; }", "g () \n{ \n    case $1 in \n        a | b)\n            echo A\n        ;;\n        c)\n\n        ;;\n        *)\n            echo other\n        ;;\n    esac\n}\n"],
  ["h() { while true; do break; done; until false; do break; done; x=$((1+2)); echo \"$x\" '$x' $(date +%s >/dev/null; true); }", "h () \n{ \n    while true; do\n        break;\n    done;\n    until false; do\n        break;\n    done;\n    x=$((1+2));\n    echo \"$x\" '$x' $(date +%s > /dev/null; true)\n}\n"],
  ["k() { (cd /tmp; ls) ; { echo a; echo b; } > /dev/null; sleep 1 & wait; }", "k () \n{ \n    ( cd /tmp;\n    ls );\n    { \n        echo a;\n        echo b\n    } > /dev/null;\n    sleep 1 & wait\n}\n"],
  ["m() { for ((i=0;i<3;i++)); do echo $i; done; [[ -n $x && ! $x == a* || -z \"$y\" ]]; echo ${x:-def} ${#x} \"${y}z\" $1 $@ \"$*\" ${10}; }", "m () \n{ \n    for ((i=0; i<3; i++))\n    do\n        echo $i;\n    done;\n    [[ -n $x && ! $x == a* || -z \"$y\" ]];\n    echo ${x:-def} ${#x} \"${y}z\" $1 $@ \"$*\" ${10}\n}\n"],
  ["p() { echo a >> /tmp/f; cat < /tmp/f; exec 3>&-; echo b 2>/dev/null; echo c &> /dev/null; read -r v <<< \"w\"; echo d >&2 2>&1 >| /tmp/g; }", "p () \n{ \n    echo a >> /tmp/f;\n    cat < /tmp/f;\n    exec 3>&-;\n    echo b 2> /dev/null;\n    echo c &> /dev/null;\n    read -r v <<< \"w\";\n    echo d 1>&2 2>&1 >| /tmp/g\n}\n"],
  ["q() { x=1 y=2 env | head -1; arr=(a b \"c d\"); arr+=(e); echo ${arr[1]} ${!arr[@]}; }", "q () \n{ \n    x=1 y=2 env | head -1;\n    arr=(a b \"c d\");\n    arr+=(e);\n    echo ${arr[1]} ${!arr[@]}\n}\n"],
  ["function r { echo r; }", "r () \n{ \n    echo r\n}\n"],
  ["s() { echo s; } > /dev/null", "s () \n{ \n    echo s\n} > /dev/null\n"],
  ["u() { echo a |& cat; echo b & }", "u () \n{ \n    echo a 2>&1 | cat;\n    echo b &\n}\n"],
  ["v() { for x; do echo \"$x\"; done; while read -r l; do echo \"$l\"; done < /etc/hostname; }", "v () \n{ \n    for x in \"$@\";\n    do\n        echo \"$x\";\n    done;\n    while read -r l; do\n        echo \"$l\";\n    done < /etc/hostname\n}\n"],
  ["w() { f() { echo inner; } ; f; }", "w () \n{ \n    function f () \n    { \n        echo inner\n    };\n    f\n}\n"],
  ["n() { cat <<EOF\nhello $x\nEOF\necho after; cat <<-\"E2\" | wc -l\n\ttab\n\tE2\n}", "n () \n{ \n    cat <<EOF\nhello $x\nEOF\n\n    echo after\n    cat <<-'E2' |\ntab\nE2\n  wc -l\n}\n"],
];

for (const [source, bash] of CASES) {
  test(`declare -f of ${JSON.stringify(source.slice(0, 40))}`, () => {
    const fn = parse(source).statements[0]!.pipelines[0]!.commands[0] as unknown as { type: string; name: string };
    assert.equal(fn.type, "FunctionDef");
    assert.equal(namedFunctionString(fn.name, fn) + "\n", bash);
  });
}
