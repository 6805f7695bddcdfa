#!/usr/bin/env bash
# CPU profile of the gateway and the agent while a closed-loop small-GET load runs through the tunnel: where the CPU
# time of a tunnelled request goes, ranked by method. Run from the repository root on an otherwise idle machine:
#
#   tools/bench/profile-tunnel.sh [output folder] [concurrency]
#
# It starts the bench's small-GET scenario on the tunnel route alone, waits until the load is on and warm, samples both
# processes for 20 s with dotnet-trace (pinned in .config/dotnet-tools.json), and writes each one's top methods by
# exclusive and by inclusive time next to the traces. Sampling costs the processes some CPU, so the bench figures of
# this run are not the ones to quote; the ranking is what it is for.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/tmp/tunnel-profile}
concurrency=${2:-16}
mkdir -p "$out"
dotnet tool restore > /dev/null
dotnet build tools/bench/Plural.Bench -c Release -nologo -clp:ErrorsOnly > /dev/null

dotnet run --project tools/bench/Plural.Bench -c Release --no-build -- small-get --routes tunnel --concurrency "$concurrency" \
  --rate none --warmup 10s --duration 60s --repeat 1 --results "$out/bench" > "$out/bench.log" 2>&1 &
bench=$!
trap 'kill $bench 2> /dev/null || true' EXIT

pid_of() { pgrep -f "$1" | head -1; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

gateway=""
agent=""
for _ in $(seq 180); do
  gateway=$(pid_of 'Plural.Gateway.dll')
  agent=$(pid_of 'Plural.AgentK.dll')
  [[ -n $gateway && -n $agent ]] && break
  sleep 1
done
[[ -n $gateway && -n $agent ]] || { echo "the gateway or the agent did not start; see $out/bench.log" >&2; exit 1; }

# The load is on once the gateway uses more than a third of a core; then the route's warm-up and the point's own
# warm-up pass before sampling starts, so the JIT's first tiers are out of the profile.
ticks_per_second=$(getconf CLK_TCK)
for _ in $(seq 180); do
  before=$(cpu_ticks "$gateway")
  sleep 1
  after=$(cpu_ticks "$gateway")
  (( (after - before) * 3 > ticks_per_second )) && break
done
sleep 15

for process in gateway agent; do
  pid=${!process}
  dotnet tool run dotnet-trace collect -p "$pid" --profile cpu-sampling --duration 00:00:00:20 \
    -o "$out/$process.nettrace" > "$out/$process-collect.log" 2>&1 &
done
wait $(jobs -p | grep -v "^$bench$") 2> /dev/null || true

for process in gateway agent; do
  dotnet tool run dotnet-trace report "$out/$process.nettrace" topN -n 40 > "$out/$process-exclusive.txt"
  dotnet tool run dotnet-trace report "$out/$process.nettrace" topN -n 60 --inclusive > "$out/$process-inclusive.txt"
done

wait "$bench" || true
echo "profiles in $out: gateway-exclusive.txt, gateway-inclusive.txt, agent-exclusive.txt, agent-inclusive.txt"
