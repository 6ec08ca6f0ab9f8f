#!/usr/bin/env python3
"""The CLI face of tests/data/validation/bad_inputs.json.

usage: cli_validation.py AWSC_CLI BAD_INPUTS_JSON

Each case runs as `awsc --endpoint-url http://127.0.0.1:PORT SERVICE OP
JSON` against a local listener that counts connections. The CLI must exit
2 (invalid user input, tools/awsc.c), print one "error: validation: ..."
line holding the case's words, and the listener must see no connection:
nothing left the client.
"""
import atexit
import json
import os
import socket
import shutil
import subprocess
import sys
import tempfile
import threading


def main():
    cli, data = sys.argv[1], sys.argv[2]
    with open(data, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    connections = []

    def accept():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            connections.append(1)
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    home = tempfile.mkdtemp(prefix="awsc-cli-validation-")
    atexit.register(shutil.rmtree, home, True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "AWS_CONFIG_FILE": os.path.join(home, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    failed = 0
    for i, case in enumerate(cases):
        # ensure_ascii keeps a lone surrogate as its \\ud800 escape
        params = json.dumps(case["input"], ensure_ascii=True)
        before = len(connections)
        p = subprocess.run(
            [cli, "--endpoint-url", f"http://127.0.0.1:{port}",
             "--region", "us-east-1", case["service"], case["operation"],
             params],
            env=env, capture_output=True, timeout=60)
        err = p.stderr.decode("utf-8", "replace")
        ok = (p.returncode == 2 and err.startswith("error: validation: ")
              and err.count("\n") == 1
              and all(w in err for w in case["words"])
              and len(connections) == before and not p.stdout)
        if not ok:
            failed += 1
            print(f"case {i} {case['operation']}: exit {p.returncode}, "
                  f"{len(connections) - before} connections, stderr: "
                  f"{err.strip()}")
    listener.close()
    print(f"{len(cases)} bad inputs through the CLI, {failed} failed")
    return 1 if failed or len(cases) < 100 else 0


if __name__ == "__main__":
    sys.exit(main())
