#!/usr/bin/python3
"""tests/bench/callgrind_diff.py - instructions per request from two callgrind
runs of the same program with N1 and N2 requests (callgrind_small.sh).

usage: callgrind_diff.py OUT_N1 OUT_N2 N2_MINUS_N1 [--top K]

Each function's count in the N2 run minus its count in the N1 run, divided
by N2-N1: the cost of one warm request, set-up and warm-up excluded. Prints
the total, the self cost per shared object (the program, libawsc, libcurl,
libcrypto, libc), then the top K functions by self cost and the top K named
functions by inclusive cost.
Function names come from callgrind_annotate; libraries without symbols
(Debian's libcurl and libcrypto) show addresses.
"""
import collections
import re
import subprocess
import sys

LINE = re.compile(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$")


def load(path, inclusive):
    out = subprocess.run(
        ["callgrind_annotate", "--inclusive=" + ("yes" if inclusive else "no"),
         "--threshold=100", "--auto=no", path],
        capture_output=True, text=True, check=True).stdout
    counts, total = {}, 0
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        if "PROGRAM TOTALS" in m.group(2):
            total = n
        elif m.group(2).endswith("]"):  # function lines name their object
            counts[m.group(2)] = n
    return total, counts


def short(name):
    name = re.sub(r"^.*?/build/\.\./", "", name)
    name = re.sub(r"^\./.*?/", "", name)
    return re.sub(r" \[.*/([^/]*)\]$", r" [\1]", name)


def obj(name):
    m = re.search(r"\[([^\]]*)\]$", name)
    return m.group(1).rsplit("/", 1)[-1] if m else "?"


def main():
    args = sys.argv[1:]
    top = 25
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    a, b, n = args[0], args[1], int(args[2])
    ta, self_a = load(a, False)
    tb, self_b = load(b, False)
    print("instructions per request: %.0f" % ((tb - ta) / n))
    diff = {k: (self_b.get(k, 0) - self_a.get(k, 0)) / n
            for k in set(self_a) | set(self_b)}
    per_obj = collections.Counter()
    for k, v in diff.items():
        per_obj[obj(k)] += v
    print("self per object: " + ", ".join(
        "%s %.0f" % (k, v) for k, v in per_obj.most_common() if abs(v) >= 1))
    print("top %d by self cost:" % top)
    for k, v in sorted(diff.items(), key=lambda kv: -kv[1])[:top]:
        print("  %8.0f  %s" % (v, short(k)))
    _, inc_a = load(a, True)
    _, inc_b = load(b, True)
    inc = {k: (inc_b.get(k, 0) - inc_a.get(k, 0)) / n
           for k in set(inc_a) | set(inc_b)}
    # Inclusive: named functions only (an address inside libcurl says
    # nothing), and not the thread and main() frames around everything.
    skip = re.compile(r"^\?\?\?:0x|:\(below main\)|:clone |:start_thread |"
                      r":__libc_start|ld-linux")
    named = {k: v for k, v in inc.items() if not skip.search(k)}
    print("top %d named functions by inclusive cost:" % top)
    for k, v in sorted(named.items(), key=lambda kv: -kv[1])[:top]:
        print("  %8.0f  %s" % (v, short(k)))


if __name__ == "__main__":
    main()
