# Sourced by scripts/run and scripts/test: installs only what is missing, so a warm
# machine skips straight to the build. Needs root or sudo for system packages.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# What WebKitGTK, Tauri and the tests need (TESTING.md lists the same).
APP_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config libdbus-1-dev)
TEST_PACKAGES=(webkit2gtk-driver xvfb xdotool gnome-keyring dbus-x11 libsecret-tools python3 python3-venv dunst xclip sqlite3)

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    step "Installing system packages: ${missing[*]}"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${missing[@]}"
  fi
}

ensure_toolchains() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] || {
      step "Installing Rust (rustup)"
      curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy -c rustfmt
    }
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$node_major" -lt 20 ]; then
    echo "Draftloop needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
    echo "Install it from your distribution or nodejs.org, then run this again." >&2
    exit 1
  fi
}

ensure_npm_packages() {
  # npm ci only when the lock file changed since the last install.
  if [ ! -f "$ROOT/ui/node_modules/.package-lock.json" ] ||
    [ "$ROOT/ui/package-lock.json" -nt "$ROOT/ui/node_modules/.package-lock.json" ]; then
    step "Installing npm packages"
    # npm ci refuses a lock file missing other platforms' optional packages, which a
    # partial registry mirror leaves out; npm install --no-save installs the same
    # locked versions without rewriting the lock file.
    (cd "$ROOT/ui" && { npm ci --no-audit --no-fund 2>/dev/null ||
      npm install --no-save --no-audit --no-fund; })
  fi
}

ensure_tauri_driver() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! command -v tauri-driver >/dev/null 2>&1; then
    step "Installing tauri-driver"
    cargo install tauri-driver --locked
  fi
}

# A venv under target/ from a pinned list of PyPI packages; reinstalled only when the
# list changes.
ensure_venv() {
  local env="$ROOT/target/$1" pins="$2"
  if [ ! -x "$env/bin/python" ] || [ "$pins" -nt "$env/.installed" ]; then
    step "Installing $3"
    python3 -m venv "$env"
    "$env/bin/pip" install --quiet --disable-pip-version-check -r "$pins"
    touch "$env/.installed"
  fi
}

# The interop tests' Python: Hugging Face `datasets` for the exports, and LiteLLM's
# proxy as a model server nobody here wrote (each in its own venv: their pins differ).
ensure_python_env() {
  ensure_venv pyenv "$ROOT/tests/interop/requirements.txt" "the Python packages for the export interop test"
  ensure_venv proxyenv "$ROOT/tests/interop/proxy-requirements.txt" "LiteLLM's proxy for the model interop test"
}

# The desktop app with ui/dist embedded (custom-protocol is always on), and the CLI.
build_app() {
  step "Building the UI"
  (cd "$ROOT/ui" && npm run --silent build)
  step "Building the desktop app and the CLI"
  (cd "$ROOT" && cargo build -p draftloop-desktop -p draftloop-cli -p llm-test-server)
}
