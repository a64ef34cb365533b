"""Safe by default: without an explicit VIGIL_ENV the settings are production's, which refuse debug pages, a
default or weak secret key and MFA off, each in one line; the response headers keep personal data out of caches."""
import os
import secrets
import subprocess
import sys

import pytest

CASES = [
    ({"VIGIL_ENV": "production", "VIGIL_SECRET_KEY": "insecure-development-key-never-use-in-production"},
     "VIGIL_SECRET_KEY"),
    ({"VIGIL_SECRET_KEY": "short"}, "VIGIL_SECRET_KEY"),
    ({"VIGIL_SECRET_KEY": "a" * 60}, "VIGIL_SECRET_KEY"),
    ({"VIGIL_DEBUG": "1"}, "VIGIL_DEBUG=1"),
    ({"VIGIL_MFA": "off"}, "MFA"),
    ({"VIGIL_ENV": "production", "VIGIL_SECRET_KEY": "x" * 50, "VIGIL_DEBUG": "1"}, "VIGIL_DEBUG=1"),
    ({"VIGIL_ENV": "production", "VIGIL_SECRET_KEY": "x" * 50, "VIGIL_MFA": "off"}, "MFA"),
    ({"VIGIL_ENV": "test", "VIGIL_MFA": "off"}, "only in the demo"),
    ({"VIGIL_ENV": "staging"}, "VIGIL_ENV='staging'"),
]


@pytest.mark.parametrize("env,message", CASES)
def test_unsafe_configuration_is_refused_in_one_line(tmp_path, env, message):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    full.update(env, DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")
    proc = subprocess.run([sys.executable, "-m", "vigil.cli", "sweep", "--as-of", "2024-08-15"], env=full,
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_production_starts_with_safe_settings(tmp_path):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    full.update(VIGIL_ENV="production", VIGIL_SECRET_KEY=secrets.token_urlsafe(48), DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")
    proc = subprocess.run([sys.executable, "-m", "vigil.cli", "audit", "verify"], env=full, capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "access log intact" in proc.stdout


def test_without_vigil_env_the_settings_are_productions_with_a_generated_secret(tmp_path):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    full.update(DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3", VIGIL_VAR_DIR=str(tmp_path / "var"))
    code = ("from django.conf import settings; "
            "print(settings.VIGIL_ENV, settings.DEBUG, settings.VIGIL_MFA_REQUIRED, settings.SESSION_COOKIE_SECURE, "
            "len(settings.SECRET_KEY))")
    proc = subprocess.run([sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
                           f"'vigil.config.settings'; django.setup(); {code}"], env=full, capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    env, debug, mfa, secure, key_len = proc.stdout.split()
    assert (env, debug, mfa, secure) == ("production", "False", "True", "True") and int(key_len) >= 40
    secret = tmp_path / "var" / "secret.key"
    assert secret.exists() and oct(secret.stat().st_mode & 0o777) == "0o600"
    again = subprocess.run([sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
                            "'vigil.config.settings'; django.setup(); from django.conf import settings; "
                            "print(settings.SECRET_KEY)"], env=full, capture_output=True, text=True, cwd=tmp_path)
    assert again.stdout.strip() == secret.read_text().strip()  # the same key on every start


@pytest.mark.django_db
def test_pages_and_api_answers_are_never_cached_and_trace_is_refused(client, login, org):
    login(org.user("offender_manager"))
    for url in ("/", "/api/schema/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "camera=()" in response["Permissions-Policy"]
    assert client.generic("TRACE", "/").status_code == 405
    assert client.generic("TRACK", "/").status_code == 405
