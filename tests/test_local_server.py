"""The tests' static server (sitekit/browser.py local_server): a request the browser cancels
is not reported as a fault; any other error in the server still is."""

from __future__ import annotations

import pytest
from sitekit import browser


@pytest.mark.parametrize(("error", "reported"), [(BrokenPipeError, False), (ConnectionResetError, False), (ValueError, True)])
def test_only_a_closed_connection_goes_unreported(tmp_path, capfd, error, reported):
    with browser.local_server(tmp_path) as local:
        try:
            raise error("raised while answering")
        except error:
            local.server.handle_error(None, ("127.0.0.1", 0))
    assert ("raised while answering" in capfd.readouterr().err) is reported
