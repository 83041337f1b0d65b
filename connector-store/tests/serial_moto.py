"""moto's server answering one request at a time, for the DynamoDB tests that race writers.

moto_server serves each request on its own thread, and moto's UpdateItem checks its
ConditionExpression and then applies the update without a lock, so two concurrent conditional
updates of one item can both pass (seen with moto 5.2.5: 8 writers x 40 compare-and-swap
updates lost 1 to 3 of them). DynamoDB itself applies a conditional write atomically. Serving
one request at a time gives moto that atomicity without changing what it checks.

Usage: python serial_moto.py HOST PORT
"""

import sys

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

host, port = sys.argv[1], int(sys.argv[2])
run_simple(
    host,
    port,
    DomainDispatcherApplication(create_backend_app),
    threaded=False,
    request_handler=MotoRequestHandler,
)
