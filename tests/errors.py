"""Reading the API's one error body (``portal.api_errors``) in tests."""


def field_names(response) -> set[str]:
    """The top-level names of a 400's field errors (``matters.0.outcome`` → ``matters``)."""
    body = response.json()
    assert set(body) <= {"code", "detail", "fields"} and body["code"] and body["detail"], body
    return {name.split(".")[0] for name in body.get("fields", {})}
