// SPDX-License-Identifier: GPL-2.0
//
// A real Node.js client for the fallback matrix: net.connect(), as Node
// applications connect.
//
//   node node-client.js autoselect HOST PORT RUNS TIMEOUT [-4]
//       net.connect({ autoSelectFamily: true }) with the version's default
//       attempt timeout (net.getDefaultAutoSelectFamilyAttemptTimeout(),
//       250 ms in Node 18.13+ and 20)
//   node node-client.js defaults HOST PORT RUNS TIMEOUT [-4]
//       net.connect() with no options: what the installed Node does by
//       default (autoSelectFamily on since Node 20.0.0, off in Debian 12's
//       Node 18, where only the first address of the lookup is tried)
//
// What lib/net.js does (read from the running binary's own source,
// process.binding('natives').net): dns.lookup() (getaddrinfo() in libuv's
// thread pool, hints AI_ADDRCONFIG, the resolver's order: "verbatim");
// with autoSelectFamily all addresses, grouped by family and interleaved
// starting with the first address's family; each attempt gets the attempt
// timeout (internalConnectMultiple), after which it is closed
// (internalConnectMultipleTimeout) and the next one starts; a failed
// attempt starts the next at once; the last address has no timer.
//
// One JSON line per run, in the shape of `v6fix connect -j` without the
// attempts: the family and address that won, total_ms from the call to
// 'connect' (or to the error, winner null; the lookup is in it, a warm
// one), and Node's version (the model's
// default depends on it). TIMEOUT (s) bounds a run.
'use strict';
const net = require('net');

const [mode, host, port, runs, timeout, fam] = process.argv.slice(2);
if (!['autoselect', 'defaults'].includes(mode) || !host || !(+runs >= 1) || !(+timeout > 0)) {
	process.stderr.write('usage: node-client.js autoselect|defaults HOST PORT RUNS TIMEOUT [-4|-6]\n');
	process.exit(2);
}

function one() {
	return new Promise((resolve) => {
		const opts = { host, port: +port };
		if (mode === 'autoselect')
			opts.autoSelectFamily = true;
		if (fam === '-4' || fam === '-6')
			opts.family = fam === '-4' ? 4 : 6;
		const t0 = process.hrtime.bigint();
		const ms = () => Math.round(Number(process.hrtime.bigint() - t0) / 1e5) / 10;
		let done = false;
		const s = net.connect(opts);
		const timer = setTimeout(() => finish(null, 'timeout'), +timeout * 1000);
		function finish(peer, err) {
			if (done)
				return;
			done = true;
			clearTimeout(timer);
			const r = { attempts: [], winner: peer, total_ms: ms(), version: process.version };
			if (err)
				r.error = err;
			s.destroy();
			resolve(r);
		}
		s.on('connect', () => finish({
			family: s.remoteFamily === 'IPv6' ? 'inet6' : 'inet',
			address: s.remoteAddress,
		}));
		s.on('error', (e) => finish(null, e.code || String(e)));
	});
}

(async () => {
	let status = 0;
	// One lookup first, untimed: a process's first one starts libuv's
	// thread pool and loads glibc's NSS modules (100-500 ms under load),
	// a cost of starting Node, not of connecting.
	await require('dns').promises.lookup(host, { all: true }).catch(() => {});
	for (let i = 0; i < +runs; i++) {
		const r = await one();
		if (!r.winner)
			status = 1;
		process.stdout.write(JSON.stringify(r) + '\n');
	}
	process.exitCode = status;
})();
