package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// newClient is a keep-alive client that holds an idle connection for every
// worker, so a run measures requests, not TCP handshakes.
func newClient() *http.Client {
	return &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{
		MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: 90 * time.Second,
		DisableCompression: true, ForceAttemptHTTP2: false,
	}}
}

// request makes the i-th request of a worker; it may differ per call
// (book takes the next free slot).
type request func(worker int) (*http.Request, error)

// result is what one run of a scenario measured.
type result struct {
	requests int
	elapsed  time.Duration
	samples  []time.Duration
	statuses map[int]int
	sample   map[int]string // the first body seen per unexpected status, for the error report
}

// rps is requests a second.
func (r result) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// merge adds another run of the same scenario.
func (r *result) merge(o result) {
	r.requests += o.requests
	r.elapsed += o.elapsed
	r.samples = append(r.samples, o.samples...)
	if r.statuses == nil {
		r.statuses, r.sample = map[int]int{}, map[int]string{}
	}
	for k, v := range o.statuses {
		r.statuses[k] += v
	}
	for k, v := range o.sample {
		if _, ok := r.sample[k]; !ok {
			r.sample[k] = v
		}
	}
}

// percentile returns the p-th percentile (0–100) of sorted samples by
// nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// statusLine renders status counts as "201×12 409×3".
func statusLine(statuses map[int]int) string {
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(statuses)) {
		parts = append(parts, fmt.Sprintf("%d×%d", code, statuses[code]))
	}
	return strings.Join(parts, " ")
}

// drive runs c workers that send requests back to back for d, each timing
// its own requests. Each worker first opens its connection with a GET of
// warmURL (not measured), then the window opens for all at once. Requests
// started within the window count, and the window closes when the last of
// them has its answer, so a scenario slower than d still yields its
// requests. Scenarios run in interleaved rounds, so caches are warm without
// a warm-up of the scenario itself.
func drive(ctx context.Context, client *http.Client, c int, d time.Duration, warmURL string, next request, expected func(int) bool) (result, error) {
	ws := make([]*worker, c)
	var wg, warmed sync.WaitGroup
	warmed.Add(c)
	gate := make(chan struct{})
	var measureFrom, deadline time.Time
	for i := range c {
		w := &worker{samples: make([]time.Duration, 0, 4096), statuses: map[int]int{}, sample: map[int]string{}}
		ws[i] = w
		wg.Go(func() {
			warm := func(int) (*http.Request, error) { return http.NewRequest(http.MethodGet, warmURL, nil) }
			w.err = w.do(ctx, client, warm, i, func(int) bool { return true }, false)
			warmed.Done()
			<-gate
			for w.err == nil && ctx.Err() == nil {
				if !time.Now().Before(deadline) {
					return
				}
				if err := w.do(ctx, client, next, i, expected, true); err != nil && ctx.Err() == nil {
					w.err = err
				}
			}
		})
	}
	warmed.Wait()
	measureFrom = time.Now()
	deadline = measureFrom.Add(d)
	close(gate)
	wg.Wait()
	var r result
	r.statuses, r.sample = map[int]int{}, map[int]string{}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	end := deadline
	for _, w := range ws {
		if w.err != nil {
			return r, w.err
		}
		r.merge(result{samples: w.samples, statuses: w.statuses, sample: w.sample})
		if w.last.After(end) {
			end = w.last
		}
	}
	r.requests = len(r.samples)
	r.elapsed = end.Sub(measureFrom)
	return r, nil
}

// worker is one connection's loop of drive.
type worker struct {
	samples  []time.Duration
	statuses map[int]int
	sample   map[int]string
	last     time.Time // when the last measured answer arrived
	err      error
}

// do sends one request; with measured it records its latency and status.
func (w *worker) do(ctx context.Context, client *http.Client, next request, i int, expected func(int) bool, measured bool) error {
	req, err := next(i)
	if err != nil {
		return err
	}
	req = req.WithContext(ctx)
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	var body []byte
	if expected(resp.StatusCode) {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		body, err = io.ReadAll(io.LimitReader(resp.Body, 512))
	}
	resp.Body.Close()
	t1 := time.Now()
	if err != nil || !measured {
		return err
	}
	w.last = t1
	w.samples = append(w.samples, t1.Sub(t0))
	w.statuses[resp.StatusCode]++
	if _, ok := w.sample[resp.StatusCode]; !ok && body != nil {
		w.sample[resp.StatusCode] = string(body)
	}
	return nil
}

// burst sends n requests made by next at the same moment, each on its own
// connection, and waits for every answer.
func burst(ctx context.Context, n int, next request) (result, error) {
	var r result
	r.statuses, r.sample = map[int]int{}, map[int]string{}
	reqs := make([]*http.Request, n)
	for i := range n {
		req, err := next(i)
		if err != nil {
			return r, err
		}
		reqs[i] = req.WithContext(ctx)
	}
	// A fresh transport per burst: every client dials its own connection
	// before the gate opens, as 50 independent clients would.
	tr := &http.Transport{MaxIdleConnsPerHost: n, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Timeout: 30 * time.Second, Transport: tr}
	warm, err := http.NewRequestWithContext(ctx, http.MethodGet, reqs[0].URL.Scheme+"://"+reqs[0].URL.Host+"/healthz", nil)
	if err != nil {
		return r, err
	}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if resp, err := client.Do(warm.Clone(ctx)); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	gate := make(chan struct{})
	type answer struct {
		status int
		body   string
		took   time.Duration
		err    error
	}
	answers := make([]answer, n)
	for i := range n {
		wg.Go(func() {
			<-gate
			t0 := time.Now()
			resp, err := client.Do(reqs[i])
			if err != nil {
				answers[i].err = err
				return
			}
			body, err := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			answers[i] = answer{status: resp.StatusCode, body: string(body), took: time.Since(t0), err: err}
		})
	}
	t0 := time.Now()
	close(gate)
	wg.Wait()
	r.elapsed = time.Since(t0)
	for _, a := range answers {
		if a.err != nil {
			return r, a.err
		}
		r.requests++
		r.samples = append(r.samples, a.took)
		r.statuses[a.status]++
		if _, ok := r.sample[a.status]; !ok {
			r.sample[a.status] = a.body
		}
	}
	return r, nil
}

// sortSamples sorts a result's latencies for percentile.
func sortSamples(r *result) {
	sort.Slice(r.samples, func(i, j int) bool { return r.samples[i] < r.samples[j] })
}
