"""scim2-tester's conformance checks against a running console's /scim/v2/.

Reads SCIM_URL (the base, ending in /scim/v2) and SCIM_TOKEN. Prints every check and exits
non-zero unless every check that ran passed (SKIPPED is a check the configuration left out).
"""

import os
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

PASSED = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}


def main() -> int:
    hooks = {}
    if os.environ.get("SCIM_DEBUG"):
        # Every refused request with its answer, to see what the checker sent.
        def show(response):
            response.read()
            if response.status_code >= 400:
                request = response.request
                print(f">>> {request.method} {request.url}\n{request.content.decode()}")
                print(f"<<< {response.status_code} {response.text}")

        hooks = {"response": [show]}
    http = Client(
        base_url=os.environ["SCIM_URL"],
        headers={"Authorization": f"Bearer {os.environ['SCIM_TOKEN']}"},
        timeout=30,
        event_hooks=hooks,
    )
    results = check_server(SyncSCIMClient(http))
    failed = 0
    for result in results:
        where = f"[{result.resource_type}] " if result.resource_type else ""
        line = f"{result.status.name:<10} {where}{result.title}"
        if result.status not in PASSED and result.status != Status.SKIPPED:
            failed += 1
            line += f"\n           {result.reason}"
        print(line)
    ran = sum(1 for r in results if r.status != Status.SKIPPED)
    print(f"scim2-tester: {ran - failed} of {ran} checks passed")
    return 1 if failed or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
