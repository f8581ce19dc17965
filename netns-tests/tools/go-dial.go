// SPDX-License-Identifier: GPL-2.0
//
// go-dial: Go's own net.Dial, as a Go application connects, for the fallback
// matrix (client "go") and clientprobe. Built by `make` with Debian's
// golang-go into build/netns-tests/go-dial.
//
// What Go 1.19 does (Debian 12's golang-go, /usr/lib/go-1.19/src/net/):
//   - the name: with nsswitch's "hosts: files dns" the pure Go resolver;
//     an /etc/hosts hit is returned in file order, unsorted
//     (dnsclient_unix.go, goLookupIPCNAMEOrder); DNS answers are sorted
//     by RFC 6724 (sortByRFC6724);
//   - the connect: dialParallel (dial.go) splits the list into primaries
//     (the first address's family) and fallbacks (the other family);
//     the fallback racer starts after FallbackDelay, 300 ms when zero
//     (Dialer.fallbackDelay), or at once when the primary racer fails;
//     within a family the addresses are tried one after another
//     (dialSerial). Without Dialer.Timeout there is no deadline but the
//     kernel's SYN retries.
//
// Usage: go-dial [-4|-6] [-fallback-delay D] [-runs N] HOST PORT
//   -fallback-delay  net.Dialer.FallbackDelay (default 0: Go's 300 ms;
//                    negative: no fallback racer, plain serial)
//
// One JSON line per run, in the shape of `v6fix connect -j` without the
// attempts (Go does not report them): the family and address that won
// and total_ms from the call to connected (or to the error, winner null).
// Exit status 0 when every run connected, 1 otherwise, 2 for bad usage.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"time"
)

type winner struct {
	Family  string `json:"family"`
	Address string `json:"address"`
}

type result struct {
	Attempts []struct{} `json:"attempts"`
	Winner   *winner    `json:"winner"`
	TotalMs  float64    `json:"total_ms"`
	Error    string     `json:"error,omitempty"`
}

func main() {
	only4 := flag.Bool("4", false, "IPv4 only (network tcp4)")
	only6 := flag.Bool("6", false, "IPv6 only (network tcp6)")
	fallback := flag.Duration("fallback-delay", 0, "net.Dialer.FallbackDelay (0: Go's default, 300 ms)")
	runs := flag.Int("runs", 1, "connections, one after another")
	flag.Parse()
	if flag.NArg() != 2 || *runs < 1 || (*only4 && *only6) {
		fmt.Fprintln(os.Stderr, "usage: go-dial [-4|-6] [-fallback-delay D] [-runs N] HOST PORT")
		os.Exit(2)
	}
	network := "tcp"
	if *only4 {
		network = "tcp4"
	} else if *only6 {
		network = "tcp6"
	}
	d := net.Dialer{FallbackDelay: *fallback}
	addr := net.JoinHostPort(flag.Arg(0), flag.Arg(1))
	enc := json.NewEncoder(os.Stdout)
	status := 0
	for i := 0; i < *runs; i++ {
		r := result{Attempts: []struct{}{}}
		t0 := time.Now()
		c, err := d.Dial(network, addr)
		r.TotalMs = float64(time.Since(t0).Microseconds()) / 1000
		if err != nil {
			r.Error = err.Error()
			status = 1
		} else {
			ta := c.RemoteAddr().(*net.TCPAddr)
			fam := "inet6"
			if ta.IP.To4() != nil {
				fam = "inet"
			}
			r.Winner = &winner{Family: fam, Address: ta.IP.String()}
			c.Close()
		}
		if err := enc.Encode(&r); err != nil {
			os.Exit(1)
		}
	}
	os.Exit(status)
}
