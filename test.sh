#!/usr/bin/env bash
# Runs every test of the repository on a fresh machine. Installs what the tests need first
# (idempotently), then runs the whole solution's tests and ends with the runner's summary.
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v git >/dev/null 2>&1 || need_apt+=(git)
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubectl)
# The topology tests start their own throwaway PostgreSQL and Redis servers from these binaries.
{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || need_apt+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# Git over SSH is tested against a real sshd on loopback; the silo runs git with OpenSSH's client.
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need_apt+=(openssh-client)
# The cable tests drive the stock @rails/actioncable client with node, and the dashboard with Debian's chromium
# (Playwright uses it as it is; nothing downloads a browser).
# The agent's image is a native (AOT) publish, which links with clang; the shipped-agent tests build it.
command -v clang >/dev/null 2>&1 || need_apt+=(clang)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# The main application's side is played by a Ruby script with Debian's gRPC gem and its stub generator.
command -v ruby >/dev/null 2>&1 && ruby -e 'require "grpc"' >/dev/null 2>&1 || need_apt+=(ruby ruby-grpc)
command -v grpc_tools_ruby_protoc >/dev/null 2>&1 || need_apt+=(ruby-grpc-tools)
# The Ruby gem's suite (clients/ruby/test) runs on minitest, which Debian's ruby usually ships.
command -v ruby >/dev/null 2>&1 && ruby -e 'require "minitest"' >/dev/null 2>&1 || need_apt+=(ruby-minitest)
# The example Rails app (examples/rails) runs on Debian's Rails 6.1 and Puma, its bundle resolved from the installed
# gems only (bundle install --local); its agent page is tested in the same chromium.
command -v ruby >/dev/null 2>&1 && ruby -e 'require "rails"; require "sprockets/railtie"' >/dev/null 2>&1 || need_apt+=(ruby-rails ruby-sprockets-rails)
command -v puma >/dev/null 2>&1 || need_apt+=(puma)
command -v bundle >/dev/null 2>&1 || need_apt+=(bundler)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The cable client's packages, reinstalled only when its lockfile changed since the last install.
cable_client=tests/cable-client
lock_sum=$(sha256sum "$cable_client/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$cable_client/node_modules/.lock-sha256" 2>/dev/null)" != "$lock_sum" ]; then
  (cd "$cable_client" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$cable_client/node_modules/.lock-sha256"
fi

# The deploy tests lint the Dockerfiles with it.
if ! command -v dockerfilelint >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  npm install -g --silent dockerfilelint@1.8.0 >/dev/null 2>&1 || echo "could not install dockerfilelint; the Dockerfile lint tests will fail"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Plural.Orleans.sln -c Release -nologo -clp:ErrorsOnly
# One test assembly at a time: the end-to-end suites start real processes and sockets,
# and a 2-core machine gives wrong timings when they compete.
dotnet test Plural.Orleans.sln -c Release --no-build -nologo -m:1 "$@"
