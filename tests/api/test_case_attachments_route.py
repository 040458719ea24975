"""The attachment route: only the case's owner (or a lead the case is shared with) gets the file;
everyone else, signed in or not, gets the same 404."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from certportal.api.health import build_api
from certportal.auth import service as auth_service
from certportal.auth.policy import Role
from certportal.auth.rules import SESSION_COOKIE
from certportal.cases import service
from certportal.cases.transitions import validate_case
from tests.conftest import make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100


def _setup(engine: Engine) -> tuple[int, int, str, str]:
    with Session(engine) as session:
        owner = make_user(session, "owner@example.com", Role.MEMBER, "Owner")
        make_user(session, "other@example.com", Role.MEMBER, "Other")
        fields, _ = validate_case(
            {"channel": "certiport", "subject": "S", "status": "open"}, date(2026, 12, 1)
        )
        assert fields is not None
        row = service.create(session, actor=owner, fields=fields, today=date(2026, 12, 1))
        png = service.add_attachment(
            session,
            actor=owner,
            case_id=row.id or 0,
            version=row.version,
            name="画面 1.png",
            content=PNG,
        )
        pdf = service.add_attachment(
            session,
            actor=owner,
            case_id=row.id or 0,
            version=row.version,  # the same row, already at its new version
            name="transcript.pdf",
            content=PDF,
        )
        session.commit()
        owner_token = auth_service.sign_in(
            session, email="owner@example.com", password="correct horse battery"
        ).token
        other_token = auth_service.sign_in(
            session, email="other@example.com", password="correct horse battery"
        ).token
        session.commit()
        return png.id or 0, pdf.id or 0, owner_token, other_token


def test_the_owner_gets_the_file_with_safe_headers(engine: Engine) -> None:
    png_id, pdf_id, owner, _ = _setup(engine)
    client = TestClient(build_api())
    client.cookies.set(SESSION_COOKIE, owner)
    response = client.get(f"/api/cases/attachments/{png_id}")
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["content-disposition"].startswith("inline; filename*=UTF-8''")
    assert "%E7%94%BB%E9%9D%A2" in response.headers["content-disposition"]  # 画面, encoded
    pdf = client.get(f"/api/cases/attachments/{pdf_id}")
    assert pdf.status_code == 200 and pdf.content == PDF
    assert pdf.headers["content-disposition"].startswith("attachment;")


def test_everyone_else_gets_404(engine: Engine) -> None:
    png_id, _, _, other = _setup(engine)
    anonymous = TestClient(build_api())
    assert anonymous.get(f"/api/cases/attachments/{png_id}").status_code == 404
    stranger = TestClient(build_api())
    stranger.cookies.set(SESSION_COOKIE, other)
    assert stranger.get(f"/api/cases/attachments/{png_id}").status_code == 404
    forged = TestClient(build_api())
    forged.cookies.set(SESSION_COOKIE, "not-a-session")
    assert forged.get(f"/api/cases/attachments/{png_id}").status_code == 404
    for bad in ("abc", "-1", "99999", "1" * 20, "²", "１"):
        assert anonymous.get(f"/api/cases/attachments/{bad}").status_code == 404
