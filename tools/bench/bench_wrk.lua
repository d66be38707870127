-- SPDX-License-Identifier: GPL-2.0
-- wrk script of the HTTP benchmark (tools/bench/bench-http.sh): prints one
-- machine-readable line with wrk's exact counters (its normal report rounds
-- bytes to KB/MB/GB). requests counts completed responses of any status;
-- status counts those that were not 2xx or 3xx.
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"XSTWRK requests=%d bytes=%d duration_us=%d connect=%d read=%d write=%d " ..
		"status=%d timeout=%d p50_us=%d p99_us=%d\n",
		summary.requests, summary.bytes, summary.duration, e.connect, e.read,
		e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))
end
