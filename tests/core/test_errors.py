"""The one error body, without a database; and that every kind of refusal answers it."""
from __future__ import annotations

from inspections.core.errors import ERROR_SCHEMA, DomainError, FieldError, error_body


def test_a_domain_error_answers_the_one_shape():
    error = DomainError("Some values need correcting.", code="invalid", status=422, fields=[
        FieldError("C1.female", "Required.", item="C1", kind="required"),
        {"field": "reason", "code": "required", "message": "Say why."},  # a service's dict
    ], version=3)
    assert error.status == 422 and error.code == "invalid"
    assert error.body() == {
        "error": "invalid", "message": "Some values need correcting.",
        "fields": [{"item": "C1", "field": "C1.female", "message": "Required.", "kind": "required"},
                   {"item": "", "field": "reason", "message": "Say why.", "kind": "required"}],
        "version": 3,
    }


def test_defaults_come_from_the_class():
    class Gone(DomainError):
        status = 404
        code = "not_found"

    assert (Gone("x").status, Gone("x").code, Gone("x").body()["fields"]) == (404, "not_found", [])
    assert Gone("x", code="other").code == "other" and Gone("y").code == "not_found"


def test_the_schema_lists_every_member_a_body_may_have():
    body = error_body("bad_json", "Bad.", [FieldError("uuid", "Bad id.")], path="$.a", problem="nul",
                      problems=[], version=None, reasons=[], retry_after=5)
    assert set(body) <= set(ERROR_SCHEMA["properties"]) and set(ERROR_SCHEMA["required"]) <= set(body)
    assert ERROR_SCHEMA["additionalProperties"] is False
    field = ERROR_SCHEMA["properties"]["fields"]["items"]
    assert set(body["fields"][0]) == set(field["required"])


def test_api_refusals_answer_the_one_shape(client, demo):
    """A 401, a 404, a refused JSON body and a refused login all have error, message and fields."""
    answers = [client.get("/api/v1/bootstrap"),
               client.post("/api/v1/session", json={"username": "inspector1"}),
               client.post("/api/v1/session", data=b'{"username": "a\\u0000"}', content_type="application/json")]
    client.post("/api/v1/session", json={"username": "inspector1", "password": "test-pass-123"})
    answers.append(client.get("/api/v1/templates/nothing/1"))
    answers.append(client.post("/api/v1/visits/999999/finalize", json={"version": 1}))
    statuses = [r.status_code for r in answers]
    assert statuses == [401, 400, 400, 404, 404], statuses
    for response in answers:
        body = response.get_json()
        assert set(ERROR_SCHEMA["required"]) <= set(body) <= set(ERROR_SCHEMA["properties"]), body
        assert isinstance(body["error"], str) and body["message"] and isinstance(body["fields"], list)
    assert [f["field"] for f in answers[1].get_json()["fields"]] == ["password"]
