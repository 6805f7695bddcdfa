#!/usr/bin/env bash
# CPU profile of the gateway and the agent while a closed-loop small-GET load runs through the tunnel: where the CPU
# time of a tunnelled request goes, ranked by function. Run from the repository root on an otherwise idle machine:
#
#   tools/bench/profile-tunnel.sh [output folder] [concurrency]
#
# It starts the bench's small-GET scenario on the tunnel route alone with the runtime's perf map on
# (DOTNET_PerfMapEnabled=1, so JIT-compiled methods have names; DOTNET_EnableWriteXorExecute=0, as perf cannot name code
# the runtime maps twice), waits until the load is on and warm, samples both
# processes on CPU for 20 s with Linux perf (Debian's linux-perf), and writes each one's functions ranked by the CPU
# spent in them, and a summary of that CPU by library and kernel work. perf samples only threads that run, so waiting threads cost
# nothing in it; EventPipe's sampler (dotnet-trace collect) samples every managed thread whether it runs or waits, and
# its CPU sampling on Linux needs the kernel's user_events, which not every kernel exposes. Sampling slows the
# processes a little, so the run's own figures are not the ones to quote; its ranking is what it is for.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-/tmp/tunnel-profile}
concurrency=${2:-16}
command -v perf > /dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }
mkdir -p "$out"
dotnet tool restore > /dev/null
dotnet build tools/bench/Plural.Bench -c Release -nologo -clp:ErrorsOnly > /dev/null

dotnet run --project tools/bench/Plural.Bench -c Release --no-build -- small-get --routes tunnel --concurrency "$concurrency" \
  --rate none --warmup 10s --duration 80s --repeat 1 --runtime DOTNET_PerfMapEnabled=1,DOTNET_EnableWriteXorExecute=0 --results "$out/bench" > "$out/bench.log" 2>&1 &
bench=$!
trap 'kill $bench 2> /dev/null || true' EXIT

pid_of() { pgrep -f "$1" | head -1 || true; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# The share of one core the process used over the next second, in percent.
busy() { local before after; before=$(cpu_ticks "$1"); sleep 1; after=$(cpu_ticks "$1"); echo $(( (after - before) * 100 / $(getconf CLK_TCK) )); }

gateway=""
agent=""
for _ in $(seq 180); do
  gateway=$(pid_of 'Plural.Gateway.dll')
  agent=$(pid_of 'Plural.AgentK.dll')
  [[ -n $gateway && -n $agent ]] && break
  sleep 1
done
[[ -n $gateway && -n $agent ]] || { echo "the gateway or the agent did not start; see $out/bench.log" >&2; exit 1; }

# Start-up (JIT, connecting) keeps the gateway busy; the bench then measures idle CPU for a few seconds before the
# load. So: wait for a quiet second, then for a busy one, then let the warm-ups pass and tiered compilation settle
# (its background thread still promotes methods half a minute into the load).
for _ in $(seq 180); do (( $(busy "$gateway") < 10 )) && break; done
for _ in $(seq 180); do (( $(busy "$gateway") > 33 )) && break; done
sleep 35

# Allocation, collections and thread-pool work per second from the runtime's own counters (dotnet-counters, pinned in
# .config/dotnet-tools.json), and the gateway's requests per second, for 10 s before the CPU samples: perf slows the
# processes while it samples.
counters="System.Runtime[dotnet.gc.heap.total_allocated,dotnet.gc.collections,dotnet.thread_pool.work_item.count,dotnet.monitor.lock_contentions]"
for process in gateway agent; do
  dotnet tool run dotnet-counters -- collect -p "${!process}" --format csv --duration 00:00:00:10 -o "$out/$process-counters.csv" \
    --counters "$counters,EventCounters\Microsoft.AspNetCore.Hosting[requests-per-second]" > /dev/null 2>&1 &
done
wait $(jobs -p | grep -vx "$bench")
# Self time only (no call graphs) at a modest rate: unwinding every sample's stack slowed the processes fourfold.
perf record -F 199 -p "$gateway,$agent" -o "$out/perf.data" -- sleep 20 2> "$out/perf-record.log"

# Every function's share of the process's on-CPU samples, grouped into what a reader can act on: the kernel's
# scheduling and networking, each library on the path (by the assembly a JIT-compiled method belongs to, or the
# shared object native code runs from), and the platform's own code.
summarise() {
  awk '
    /^#/ || NF < 3 { next }
    {
      share = $1; sub(/%/, "", share); total += share
      line = $0
      if (line ~ /\[k\]/) {
        # Waking a thread re-enables interrupts in _raw_spin_unlock_irq*, where the samples of a wake-up land.
        if (line ~ /sched|switch|futex|wake|yield|idle|pick_next|schedule|_raw_spin_unlock_irq/) group = "kernel: putting threads to sleep and waking them"
        else if (line ~ /tcp|ip_|sock|skb|net_|napi|inet|dev_|loopback|epoll|ep_|nf_|__x64_sys_(recv|send|read|write)/) group = "kernel: TCP over loopback, epoll"
        else group = "kernel: other (syscall entry, memory, timers)"
      }
      else if (line ~ /\[Microsoft\.AspNetCore\.Server\.Kestrel/) group = "Kestrel (HTTP server)"
      else if (line ~ /\[Grpc\./) group = "gRPC"
      else if (line ~ /\[Google\.Protobuf\]/) group = "protobuf"
      else if (line ~ /\[System\.Net\.Http\]|System\.Net\.Http\.dll/) group = "HttpClient (SocketsHttpHandler)"
      else if (line ~ /\[Microsoft\.AspNetCore|\[Microsoft\.Extensions/) group = "ASP.NET Core hosting, routing, DI, logging"
      else if (line ~ /\[Plural\./) group = "platform code (Plural.*)"
      else if (line ~ /\[OpenTelemetry/) group = "OpenTelemetry metrics"
      else if (line ~ /\[System\.Diagnostics\.DiagnosticSource\]/) group = "activities and meters (System.Diagnostics)"
      else if (line ~ /\[Orleans/) group = "Orleans client"
      else if (line ~ /\[System\.Net\.Sockets\]|System\.Net\.Sockets\.dll/) group = "sockets (managed)"
      else if (line ~ /\[System\.IO\.Pipelines\]|System\.IO\.Pipelines\.dll/) group = "System.IO.Pipelines"
      else if (line ~ /System\.Threading|ExecutionContext|AsyncTaskMethodBuilder|AsyncValueTaskMethodBuilder|ThreadPool|IValueTaskSource|ManualResetValueTaskSource|Task`?1?::/) group = "async state machines, tasks, thread pool (managed)"
      else if (line ~ /\[System\.Private\.CoreLib\]|System\.Private\.CoreLib\.dll/) group = "CoreLib other (strings, collections, spans, casts)"
      else if (line ~ /libcoreclr/) group = "runtime native (GC, thread pool, stubs, type checks)"
      else if (line ~ /libclrjit/) group = "JIT compiler"
      else if (line ~ /libc\.so|ld-linux/) group = "libc (memset, memcpy, thread-locals)"
      else if (line ~ /\[JIT\]/) group = "other managed code"
      else group = "other native code"
      groups[group] += share
    }
    END {
      for (g in groups) printf "%5.1f%%  %s\n", 100 * groups[g] / total, g
    }' | sort -rn
}

for process in gateway agent; do
  pid=${!process}
  perf report -i "$out/perf.data" --pid "$pid" --no-children --sort dso,sym --percent-limit 0 --stdio -g none \
    > "$out/$process-functions.txt" 2> /dev/null
  summarise < "$out/$process-functions.txt" > "$out/$process-summary.txt"
done

# Each counter's mean rate, and per request over the gateway's mean requests per second.
requests=$(awk -F, '/Microsoft.AspNetCore.Hosting/ { sum += $5; n++ } END { if (n) print sum / n }' "$out/gateway-counters.csv")
for process in gateway agent; do
  awk -F, -v requests="${requests:-0}" '
    NR > 1 && !/Microsoft.AspNetCore.Hosting/ { name = $3; sub(/ \(.*\/ 1 sec\)/, "", name); sum[name] += $5; n[name]++ }
    END {
      printf "%.0f requests/s through the gateway\n", requests
      for (k in sum) printf "%14.1f /s %12.2f per request  %s\n", sum[k] / n[k], (requests > 0 ? sum[k] / n[k] / requests : 0), k
    }' "$out/$process-counters.csv" > "$out/$process-per-request.txt"
done

wait "$bench" || true
echo "profiles in $out: gateway-summary.txt, agent-summary.txt (shares of each process's CPU by what runs), *-per-request.txt (allocation, collections and work items per request), *-functions.txt (every function), perf.data"
