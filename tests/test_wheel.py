"""The built wheel carries its templates, static files, translations and migrations, and works outside this
checkout."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

SCRIPT = textwrap.dedent(
    """
    import sys, uuid, pathlib
    import forum
    assert "site-packages" in forum.__file__ and "{root}" not in forum.__file__, forum.__file__
    import sqlalchemy as sa
    from flask import Flask
    from flask_login import LoginManager, UserMixin
    from flask_sqlalchemy import SQLAlchemy
    from forum import Forum
    from forum.models.migrate import upgrade, migrations_folder

    db = SQLAlchemy()
    class Person(UserMixin, db.Model):
        __tablename__ = "people"
        id = sa.Column(sa.Integer, primary_key=True)
    app = Flask("wheelcheck")
    app.config.update(SECRET_KEY="x", SQLALCHEMY_DATABASE_URI="sqlite:///{db}")
    db.init_app(app)
    LoginManager(app).user_loader(lambda key: db.session.get(Person, int(key)))
    Forum(app, db=db, user_model=Person)
    with app.app_context():
        Person.__table__.create(db.engine)
        upgrade(app)
        names = sa.inspect(db.engine).get_table_names()
    assert "forum_thread" in names and "forum_alembic_version" in names, names
    assert "site-packages" in str(migrations_folder())
    app.testing = True
    client = app.test_client()
    page = client.get("/community/")
    assert page.status_code == 200 and "Latest questions" in page.text, page.text
    german = client.get("/community/", headers={{"Accept-Language": "de"}})  # the compiled catalogues came along
    assert "Neueste Fragen" in german.text and 'lang="de"' in german.text, german.text
    assert client.get("/community/static/forum/htmx.min.js").status_code == 200
    assert client.get("/community/static/forum/forum.css").status_code == 200
    print("WHEEL OK")
    """
)


def test_the_wheel_installs_and_serves_with_its_templates_and_migrations(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("*.whl"))
    target = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # the dependencies come from this test run's environment; the forum itself only from the wheel
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    script = SCRIPT.format(root=str(ROOT), db=tmp_path / "wheel.db")
    result = subprocess.run([python, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WHEEL OK" in result.stdout
