package main

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/meetd/meetd/metrics"
)

// metricsServer serves Prometheus metrics at /metrics on a listener of its
// own (--metrics-addr), so they are never on the public API port. A nil
// *metricsServer (no --metrics-addr) records and serves nothing.
type metricsServer struct {
	m   *metrics.Metrics
	srv *http.Server
}

// serveMetrics listens on addr and serves a new metrics registry there,
// and with withPprof Go's profiler at /debug/pprof/ (net/http/pprof), which
// is as private as the metrics and costs nothing until asked. It returns
// nil when addr is empty.
func serveMetrics(addr string, withPprof bool, log *slog.Logger) (*metricsServer, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	m := metrics.New()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	if withPprof {
		// Registered on this mux by hand: the package's init registers
		// on http.DefaultServeMux, which meetd never serves.
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	s := &metricsServer{m: m, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener failed", "err", err)
		}
	}()
	log.Info("metrics listening", "addr", ln.Addr().String(), "path", "/metrics", "pprof", withPprof)
	return s, nil
}

// Metrics returns the metrics to record into, nil when off.
func (s *metricsServer) Metrics() *metrics.Metrics {
	if s == nil {
		return nil
	}
	return s.m
}

// Close stops the listener; a scrape in flight is cut short.
func (s *metricsServer) Close() {
	if s != nil {
		_ = s.srv.Close()
	}
}
