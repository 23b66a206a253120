"""The E-utilities client keeps secrets home and never hangs: redirects, http, deadlines.

Servers are local (``tests/eutils_server.py``): one redirecting to another host, one trickling
a byte at a time, and a port where nothing listens.
"""
from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from eutils_server import EutilsReplayServer, make_records
from pipeline.config import DEFAULT_EUTILS_URL, Settings
from pipeline.errors import ConfigError, FetchError
from pipeline.pubmed_client import EutilsClient
from pipeline.transport import is_loopback_url

KEY = "k3y-SECRET-0123456789abcdef"
EMAIL = "dev@example.org"


def settings_for(url: str, **kw: object) -> Settings:
    kw.setdefault("timeout", 2.0)
    kw.setdefault("max_tries", 2)
    return Settings(email=EMAIL, eutils_url=url, backoff=0.01, database_url="sqlite://",
                    **kw)


@pytest.fixture
def servers():
    with EutilsReplayServer.running(make_records(20)) as a, \
            EutilsReplayServer.running(make_records(20)) as b:
        yield a, b


# -- redirects ----------------------------------------------------------------------------------
@pytest.mark.parametrize("endpoint", ["esearch", "efetch"])
def test_redirect_to_another_host_is_not_followed(servers, endpoint, caplog):
    caplog.set_level(logging.DEBUG)
    home, elsewhere = servers
    target = elsewhere.base_url.split("/entrez/")[0]
    home.inject("redirect", endpoint, times=None, target=target)
    client = EutilsClient(settings_for(home.base_url, api_key=KEY), rate=1000.0)
    with pytest.raises(FetchError, match="redirected .* to another host") as info:
        if endpoint == "esearch":
            client.esearch("liver", retmax=5)
        else:
            client.efetch(ids=["30000001"])
    assert elsewhere.hits == []  # neither the key nor the e-mail went there
    assert not info.value.transient and len(home.hits) == 1
    assert KEY not in str(info.value) and KEY not in caplog.text
    assert "MSCGRAPH_EUTILS_URL" in str(info.value)


def test_redirect_on_the_same_host_is_followed(servers):
    home, _ = servers
    home.inject("redirect", "esearch", times=1, target=home.base_url.split("/entrez/")[0])
    result = EutilsClient(settings_for(home.base_url), rate=1000.0).esearch("liver")
    assert result.count == 20 and len(home.hits) == 2


# -- http with a key ----------------------------------------------------------------------------
def test_plain_http_with_a_key_is_refused_off_this_machine():
    with pytest.raises(ConfigError, match="https://") as info:
        EutilsClient(settings_for("http://eutils.example.org/entrez/eutils/", api_key=KEY))
    assert KEY not in str(info.value)
    EutilsClient(settings_for("http://eutils.example.org/entrez/eutils/"))  # no key: fine
    EutilsClient(settings_for("http://127.0.0.1:9/entrez/eutils/", api_key=KEY))
    EutilsClient(settings_for("http://localhost:9/entrez/eutils/", api_key=KEY))
    EutilsClient(settings_for(DEFAULT_EUTILS_URL, api_key=KEY))
    assert is_loopback_url("http://[::1]:8/") and not is_loopback_url("http://10.0.0.1/")


# -- deadlines ----------------------------------------------------------------------------------
def test_a_trickling_server_is_cut_off_at_the_deadline():
    with EutilsReplayServer.running(make_records(5)) as srv:
        srv.inject("trickle", "esearch", times=None, delay=0.1)
        client = EutilsClient(settings_for(srv.base_url, timeout=1.0, deadline=0.6,
                                           max_tries=2), rate=1000.0)
        outcome: dict[str, object] = {}

        def call() -> None:
            try:
                client.esearch("liver")
            except FetchError as e:
                outcome["error"] = e

        t0 = time.monotonic()
        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        worker.join(timeout=10)  # unbounded before: each byte resets the 1 s timeout
        elapsed = time.monotonic() - t0
        assert not worker.is_alive(), "a trickling server held the request past the deadline"
    assert elapsed < 3.0
    assert "0.6s deadline" in str(outcome["error"])


def test_deadline_from_the_environment():
    assert Settings.from_env({"MSCGRAPH_EUTILS_DEADLINE": "7.5"}).deadline == 7.5
    with pytest.raises(ConfigError, match="MSCGRAPH_EUTILS_DEADLINE"):
        Settings.from_env({"MSCGRAPH_EUTILS_DEADLINE": "soon"})
    with pytest.raises(ConfigError, match="MSCGRAPH_EUTILS_DEADLINE"):
        Settings(deadline=0)


# -- wrong addresses ----------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_on_a_custom_url_fails_at_once():
    url = f"http://127.0.0.1:{_free_port()}/entrez/eutils/"
    client = EutilsClient(settings_for(url, max_tries=5), rate=1000.0)
    client._sleep = lambda s: time.sleep(min(s, 5.0))  # real backoff would be 1+2+4+8 s
    t0 = time.monotonic()
    with pytest.raises(FetchError) as info:
        client.esearch("(" * 2000 + "liver")
    message = str(info.value)
    assert time.monotonic() - t0 < 2.0 and client.requests_made == 1
    assert "MSCGRAPH_EUTILS_URL" in message and "NCBI may be down" not in message
    assert "connection refused" in message and len(message) < 400


def test_urls_in_messages_are_short(servers):
    home, _ = servers
    home.inject("500", "esearch", times=None)
    client = EutilsClient(settings_for(home.base_url, api_key=KEY), rate=1000.0)
    with pytest.raises(FetchError) as info:
        client.esearch("mesenchymal stem cells AND " * 60 + "liver")
    message = str(info.value)
    assert len(message) < 400 and KEY not in message and "..." in message
    assert "MSCGRAPH_EUTILS_URL" in message and "NCBI may be down" not in message


def test_cli_ingest_against_a_wrong_url_fails_in_seconds(tmp_path, capsys):
    from pipeline.cli import main
    url = f"http://127.0.0.1:{_free_port()}/entrez/eutils/"
    t0 = time.monotonic()
    assert main(["ingest", "--term", "liver[tiab] AND " * 100 + "MSC[tiab]", "--name", "q",
                 "--eutils-url", url, "--email", EMAIL,
                 "--database-url", f"sqlite:///{tmp_path / 's.sqlite'}"]) == 1
    assert time.monotonic() - t0 < 5.0
    err = capsys.readouterr().err
    assert "check MSCGRAPH_EUTILS_URL" in err and "NCBI may be down" not in err
    assert max(len(line) for line in err.splitlines()) < 400
