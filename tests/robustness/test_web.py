"""Issue #12 items 1, 2, 5, 10 and 11 on the web app: bodies and uploads are bounded, heavy work never blocks
search, bad names and paths get clear 4xx answers, Host header and security headers, per-request state."""

from __future__ import annotations

import gzip
import threading

import pytest
from fastapi.testclient import TestClient

from ferronet.web import create_app
from ferronet.web.jobs import HeavyPool, ServerBusy
from tests.robustness import slow_jobs


@pytest.fixture(scope="module")
def client():
    """The app with a cold job pool and in-process simulations (fast to start; tests/web covers the defaults)."""
    app = create_app(pool=HeavyPool(warm=False), simulate_in_process=True)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        yield c


def test_gzip_bomb_upload_is_refused_quickly_and_briefly(client):
    bomb = gzip.compress(b"sample\tGPX4\n" + b"s,1\n" * 10_000_000)  # 40 MB inflated, ~40 kB sent
    r = client.post("/api/predict", data={"drug": "ML210"}, files={"expression": ("b.tsv.gz", bomb)})
    assert r.status_code == 400 and "decompressed" in r.json()["error"]
    assert len(r.content) < 2000


def test_too_many_samples_are_refused_before_parsing(client):
    table = b"sample\tGPX4\n" + b"".join(b"s%d\t1\n" % i for i in range(5000))
    r = client.post("/api/predict", data={"drug": "ML210"}, files={"expression": ("m.tsv", gzip.compress(table))})
    assert r.status_code == 400 and "at most 200" in r.json()["error"]


def test_every_request_body_is_capped(client):
    big = b'{"perturbations": ["' + b"x" * 5_000_000 + b'"]}'
    r = client.post("/api/simulate", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413

    def chunks():  # no Content-Length: counted while streaming
        for _ in range(200):
            yield b" " * 10_000

    r = client.post("/api/simulate", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_upload_file_name_is_never_used_as_a_path(client):
    r = client.post("/api/predict", data={"drug": "ML210"}, files={"expression": ("a/../\x00" + "n" * 4000, b"x")})
    assert r.status_code == 400 and "internal" not in r.text


@pytest.mark.parametrize(
    "name, data",
    [
        ("junk.csv", bytes(range(256)) * 10),
        ("trunc.csv.gz", gzip.compress(b"sample,GPX4\na,1\n" * 100)[:60]),
        ("fake.h5ad", b"\x89HDF\r\n\x1a\nnot really"),
    ],
)
def test_damaged_uploads_are_400_not_500(client, name, data):
    r = client.post("/api/predict", data={"drug": "ML210"}, files={"expression": (name, data)})
    assert r.status_code == 400, r.text
    assert "error" in r.json()


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/simulate", {"perturbations": ["erastin@1e308uM"]}),
        ("/api/simulate", {"perturbations": ["erastin@1e999mM"]}),
        ("/api/dose-response", {"drug": "erastin", "doses": [1e308]}),
        ("/api/dose-response", {"drug": "erastin", "doses": [2e6]}),
        ("/api/combo", {"drugs": ["erastin", "RSL3"], "doses": {"erastin": [1e300]}}),
    ],
)
def test_absurd_doses_are_rejected(client, path, body):
    r = client.post(path, json=body)
    assert r.status_code in (400, 422), r.text


def test_non_finite_json_dose_is_rejected(client):
    body = b'{"drug": "erastin", "doses": [Infinity]}'
    r = client.post("/api/dose-response", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422


@pytest.mark.parametrize("path", ["/static/%00", "/static/" + "a" * 5000, "/static/..%2fapp.py", "/static/.hidden"])
def test_odd_static_names_are_404(client, path):
    assert client.get(path).status_code == 404


def test_report_name_with_odd_whitespace_or_controls(client, monkeypatch):
    from ferronet.web import jobs

    monkeypatch.setattr(jobs, "report_job", slow_jobs.fake_report)  # the route, not the 100 s report, is under test
    r = client.get("/api/report", params={"therapy": "sorafenib\u3000", "mutation": ["KEAP1"]})
    assert r.status_code == 200, r.text
    assert 'filename="ferronet-report-sorafenib-any.html"' in r.headers["content-disposition"]
    assert "KEAP1" in r.text  # the mutations reach the report
    assert client.get("/api/report", params={"therapy": "sora\x00fenib"}).status_code == 400


def test_host_header_must_be_loopback(client):
    assert client.get("/api/names", headers={"Host": "evil.example:8000"}).status_code == 400
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
        assert client.get("/api/names", headers={"Host": host}).status_code == 200, host
    other = TestClient(create_app(host="0.0.0.0"), base_url="http://lab-server.example")
    assert other.get("/api/names").status_code == 200
    named = TestClient(create_app(host="10.1.2.3"), base_url="http://10.1.2.3")
    assert named.get("/api/names").status_code == 200


def test_security_headers_and_no_inline_script(client):
    r = client.get("/simulate")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp.split(";")[1]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer" and r.headers["x-frame-options"] == "DENY"
    assert "<script>" not in r.text and "onclick=" not in r.text
    assert client.get("/api/nothing").headers["x-content-type-options"] == "nosniff"


def test_network_state_is_per_request(client):
    client.post("/api/simulate", json={"perturbations": ["RSL3"]})
    assert client.get("/api/network").json()["state_of"] == "untreated default cell"
    mine = client.get("/api/network", params={"perturbations": "RSL3"}).json()
    assert "RSL3" in mine["state_of"]
    assert client.get("/api/network", params={"perturbations": "RSL33"}).status_code == 404


def test_pool_refuses_beyond_its_bound():
    import asyncio
    import time

    pool = HeavyPool(workers=1, queue=0, warm=False)

    async def two() -> list[object]:
        return await asyncio.gather(pool.run(time.sleep, 2), pool.run(time.sleep, 0), return_exceptions=True)

    try:
        first, second = asyncio.run(two())
    finally:
        pool.shutdown()
    assert first is None and isinstance(second, ServerBusy) and second.retry_after >= 1


def test_busy_server_answers_503_with_retry_after(client, monkeypatch):
    from ferronet.web import jobs

    ctx = client.app.state.ctx
    small = HeavyPool(workers=1, queue=0, warm=False)
    monkeypatch.setattr(ctx, "pool", small)
    monkeypatch.setattr(jobs, "recommend_job", slow_jobs.slow_recommend)
    answers: list[tuple[int, str | None]] = []

    def ask(i: int) -> None:  # distinct requests (identical ones would share one job)
        r = client.post("/api/recommend", json={"therapy": f"busy{i}"})
        answers.append((r.status_code, r.headers.get("retry-after")))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(3)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        search = client.get("/api/search", params={"q": "GPX4"})
    finally:
        small.shutdown()
    codes = sorted(c for c, _ in answers)
    assert codes[0] == 200 and codes[-1] == 503, answers
    assert all(h and int(h) >= 1 for c, h in answers if c == 503)
    assert search.status_code == 200


def test_search_answers_while_a_heavy_job_runs(client, monkeypatch):
    import time

    from ferronet.web import jobs

    ctx = client.app.state.ctx
    small = HeavyPool(workers=1, queue=2, warm=False)
    monkeypatch.setattr(ctx, "pool", small)
    monkeypatch.setattr(jobs, "recommend_job", slow_jobs.slow_recommend)
    done: list[int] = []
    worker = threading.Thread(
        target=lambda: done.append(client.post("/api/recommend", json={"therapy": "while-search"}).status_code)
    )
    try:
        worker.start()
        for _ in range(600):  # until the job is in the pool (not a timing assertion)
            if small.status()["running"]:
                break
            time.sleep(0.05)
        search = client.get("/api/search", params={"q": "NRF2"})
        entity = client.get("/api/entity/GPX4")
        still_running = not done
        worker.join(60)
    finally:
        small.shutdown()
    assert search.status_code == 200 and entity.status_code == 200
    assert still_running and done == [200]
