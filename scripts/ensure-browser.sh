#!/usr/bin/env bash
# Browser tests need Debian's chromium and Japanese fonts. Install them with apt when we can;
# otherwise say exactly what to install. Playwright's own browser download is not used.
set -euo pipefail

have_chromium() { command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; }
have_cjk_fonts() { dpkg -s fonts-noto-cjk >/dev/null 2>&1 || fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }

if have_chromium && have_cjk_fonts; then
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" != "none" ]; then
    echo "Installing chromium and fonts-noto-cjk from Debian packages…"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    have_chromium && exit 0
  fi
fi

cat >&2 <<'MSG'
certportal's browser tests need Chromium and Japanese fonts, and could not install them here.
Install them with your package manager, for example on Debian/Ubuntu:

    sudo apt-get install chromium fonts-noto-cjk

then run `make test` again. (Set CHROMIUM_PATH if chromium is not at /usr/bin/chromium.)
MSG
exit 1
