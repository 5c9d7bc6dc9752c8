package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"time"
)

// healthcheck asks a running server's /healthz and fails unless it answers
// 200. Container images built FROM scratch have no shell and no curl, so
// their health checks run the binary itself (deploy/compose.yaml).
func (e *env) healthcheck(args []string) error {
	fs := flag.NewFlagSet("meetd healthcheck", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	url := fs.String("url", "http://127.0.0.1:8080/healthz", "the health endpoint to ask")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("meetd healthcheck takes no arguments, got %q", fs.Arg(0))
	}
	ctx, cancel := context.WithTimeout(e.ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: %s answered %d", *url, resp.StatusCode)
	}
	return nil
}
