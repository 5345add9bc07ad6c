"""The JSON API: answers, validation at the boundary, clear JSON errors, upload limits, OpenAPI."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ferronet.web import create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        yield c


def test_openapi_document_lists_the_api(client):
    doc = client.get("/openapi.json").json()
    for path in ("/api/search", "/api/entity/{name}", "/api/simulate", "/api/combo", "/api/recommend", "/api/predict"):
        assert path in doc["paths"], path


def test_search_and_entity(client):
    hits = client.get("/api/search", params={"q": "FSP1"}).json()
    assert hits[0]["id"] == "AIFM2"
    info = client.get("/api/entity/xCT").json()
    assert info["entity"]["id"] == "SLC7A11" and info["references"]


def test_unknown_names_get_suggestions(client):
    r = client.get("/api/entity/GPX44")
    assert r.status_code == 404 and "GPX4" in r.json()["suggestions"]
    r = client.post("/api/simulate", json={"perturbations": ["RSL33"]})
    assert r.status_code == 404 and "RSL3" in r.json()["suggestions"]


def test_validation_at_the_boundary(client):
    assert client.post("/api/simulate", json={"perturbations": ["x"] * 50}).status_code == 422
    assert client.post("/api/combo", json={"drugs": ["erastin"]}).status_code == 422
    r = client.post("/api/dose-response", json={"drug": "RSL3", "doses": [-1]})
    assert r.status_code == 422 and "doses" in r.json()["detail"][0]["loc"]
    r = client.post("/api/simulate", json={"perturbations": ["__import__('os').system('ls')"]})
    assert r.status_code in (400, 404) and "error" in r.json()


def test_network_is_coloured_by_the_state_of_the_request(client):
    r = client.post("/api/simulate", json={"perturbations": ["erastin"], "cell": "HT1080"}).json()
    assert r["final"]["ferroptosis"][1] > r["final"]["ferroptosis"][0]
    net = client.get("/api/network", params={"perturbations": ["erastin"], "cell": "HT1080"}).json()
    assert "erastin" in net["state_of"]
    assert any(n["id"] == "SLC7A11" and n["activity"] < 0.5 for n in net["nodes"])
    plain = client.get("/api/network").json()  # another user's simulation does not leak into this view
    assert "erastin" not in plain["state_of"] and all(n["activity"] == 1.0 for n in plain["nodes"])


def test_upload_limits_and_errors(client, monkeypatch):

    bad = b"gene,s1,s2,s3\nGPX4,1,2,3\nAIFM2,1,2,3\nACSL4,1,2,3\n"
    r = client.post("/api/predict", data={"drug": "ML210"}, files={"expression": ("t.csv", bad)})
    assert r.status_code == 400 and any("samples appear to be columns" in p for p in r.json()["problems"])
    big = b"sample,GPX4\n" + b"s,1\n" * 600_000
    r = client.post("/api/predict", data={"drug": "ML210"}, files={"expression": ("big.csv", big)})
    assert r.status_code == 413
    good = b"sample,AIFM2,GPX4\na,1,0\nb,-1,0\nc,0,1\n"
    r = client.post("/api/predict", data={"drug": "ML210"}, files={"expression": ("g.csv", good)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [row["sample"] for row in body["rows"]] == ["a", "b", "c"] and body["warnings"]
    assert {row["readout"] for row in body["rows"]} == {"signed"}  # the default for ML210: auto -> signed
    signed, simulated = (
        client.post("/api/predict", data={"drug": "ML210", "readout": k}, files={"expression": ("g.csv", good)}).json()
        for k in ("signed", "model")
    )
    assert signed["rows"][0]["score"] > signed["rows"][1]["score"]  # FSP1 (AIFM2) high over low: more resistant
    assert signed["rows"] == body["rows"]
    assert {row["readout"] for row in simulated["rows"]} == {"model"}
    assert signed["rows"][0]["score"] != simulated["rows"][0]["score"]
    r = client.post(
        "/api/predict", data={"drug": "erastin", "readout": "signed"}, files={"expression": ("g.csv", good)}
    )
    assert r.status_code == 400 and "no signed readout" in r.text
    r = client.post("/api/predict", data={"drug": "ML210", "readout": "eval"}, files={"expression": ("g.csv", good)})
    assert r.status_code == 422


def test_pages_render(client):
    for path in (
        "/",
        "/?q=NRF2",
        "/entity/NRF2",
        "/entity/NOPE",
        "/network",
        "/simulate",
        "/combo",
        "/recommend",
        "/predict",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<nav>" in r.text and "cdn" not in r.text.lower()


def test_entity_page_links_references(client):
    page = client.get("/entity/GPX4").text
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/24439385/"' in page  # Yang 2014 Cell, GPX4
    assert "Yang WS et al. 2014. Cell" in page
    info = client.get("/api/entity/GPX4").json()
    assert all(r["url"].startswith("https://") and r["short"] for r in info["references"])


def test_entity_page_links_database_ids(client):
    assert "hgnc_id/HGNC:4556" in client.get("/entity/GPX4").text
    assert "pubchem.ncbi.nlm.nih.gov/compound/11214940" in client.get("/entity/erastin").text
