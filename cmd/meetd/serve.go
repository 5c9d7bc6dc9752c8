package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/clientip"
	"github.com/meetd/meetd/dashboard"
	"github.com/meetd/meetd/formpages"
	"github.com/meetd/meetd/gcfloor"
	"github.com/meetd/meetd/httpapi"
	"github.com/meetd/meetd/logbatch"
	"github.com/meetd/meetd/pages"
	"github.com/meetd/meetd/sqldb"
	"github.com/meetd/meetd/webhook"
)

// Intervals of the background work. The refresh interval is what bounds
// revocation by another process (published as ≤ 5 s: one interval plus a
// query).
const (
	refreshInterval = 1 * time.Second
	usageInterval   = 30 * time.Second
	pruneInterval   = 10 * time.Minute
	changeRetention = time.Hour
	webhookInterval = time.Second
	mailInterval    = time.Second
)

func (e *env) serve(args []string) error {
	fs := e.flags("serve", false)
	// Every flag here is a setting: also the variable MEETD_<FLAG> (settings.go).
	cfg := e.settings
	addr := cfg.String("addr", "127.0.0.1:8080", "address to listen on", checkAddr)
	demo := cfg.Bool("demo", false, "on an empty database, create a demo company and print its credentials")
	certFile := cfg.String("tls-cert", "", "TLS certificate file (PEM)", nil)
	keyFile := cfg.String("tls-key", "", "TLS key file (PEM)", nil)
	requireHTTPS := cfg.Bool("require-https", false, "refuse credentials over plain HTTP")
	cfg.showDefault("require-https", "true with --tls-cert, else false")
	proxies := cfg.String("trusted-proxy", "", "comma-separated CIDRs whose X-Forwarded-For/-Proto are believed", checkProxies)
	publicURL := cfg.String("public-url", "", "base URL of booking pages in bookingUrl fields", checkPublicURL)
	cfg.showDefault("public-url", "http(s)://ADDR")
	metricsAddr := cfg.String("metrics-addr", "", "serve Prometheus metrics at /metrics on this separate address", checkOptionalAddr)
	cfg.showDefault("metrics-addr", "off")
	withPprof := cfg.Bool("pprof", false, "also serve Go's profiler at /debug/pprof/ on --metrics-addr")
	logBatch := cfg.String("log-batch", "1ms", "log lines that come within this time of the previous write share the next one (0 to 1s; 0 writes each line at once)",
		checkLogBatch)
	smtpURL := cfg.String("smtp-url", "", "SMTP server e-mail is sent through: smtp://user:password@host:587 (STARTTLS required), smtps://…:465 (TLS), or smtp+insecure://127.0.0.1:PORT (no TLS, loopback only); without it no mail is sent", nil)
	mailFrom := cfg.String("mail-from", "", `From of every e-mail: an address, optionally with a name ("Acme Bookings <bookings@acme.example>"); needed with --smtp-url`, checkMailFrom)
	allowPrivate := cfg.Bool("webhook-allow-private", false, "let webhook targets be plain http and private, loopback or link-local addresses (development, tests)")
	lim := limitFlags(cfg)
	cal := calendarFlags(cfg)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if (*certFile == "") != (*keyFile == "") {
		return fmt.Errorf("%s and %s go together", cfg.source("tls-cert"), cfg.source("tls-key"))
	}
	if *withPprof && *metricsAddr == "" {
		return errors.New("--pprof needs --metrics-addr: the profiler is served on the metrics listener only")
	}
	mailer, err := mailSettings(cfg, *smtpURL, *mailFrom)
	if err != nil {
		return err
	}
	tls := *certFile != ""
	if tls && !cfg.given("require-https") {
		*requireHTTPS = true
	}
	trusted, err := clientip.Parse(*proxies)
	if err != nil {
		return err
	}
	// Every request logs a line: under load, lines that share a write
	// spare the process (and whatever reads stderr) a system call each.
	// Everything serve writes to stderr goes through it, in order.
	batch, _ := parseDuration(*logBatch)
	out := logbatch.New(e.stderr, batch)
	defer out.Close()
	e.stderr = out
	log, err := e.logger()
	if err != nil {
		return err
	}
	// A server's live heap is a few MiB; without a floor the collector
	// runs about a hundred times a second under load (README, "Memory").
	defer gcfloor.Keep(gcfloor.DefaultFloor, os.Getenv)()
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mx, err := serveMetrics(*metricsAddr, *withPprof, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer mx.Close()
	scheme := "http"
	if tls {
		scheme = "https"
	}
	base := scheme + "://" + ln.Addr().String()
	if *publicURL == "" {
		*publicURL = base
	}
	if *demo {
		if err := e.seedDemo(db, base, *publicURL); err != nil {
			ln.Close()
			return err
		}
	}

	clock := meetd.SystemClock{}
	usage := auth.NewUsage(db, log)
	verifier, err := auth.NewVerifier(e.ctx, db, clock, usage, log)
	if err != nil {
		ln.Close()
		return err
	}
	// Every committed write that changes a credential, user or company
	// refreshes this node's cache before it returns: no handler has to.
	db.OnChange(verifier.AfterWrite)
	calendars, err := cal.calendars(db, clock, log, *publicURL)
	if err != nil {
		ln.Close()
		return err
	}
	booking := pages.New(pages.Config{Store: db, Clock: clock, Log: log, PublicURL: *publicURL,
		TrustedProxies: trusted, Rate: lim.booking(), Details: httpapi.BookingDetailsOf, Calendars: calendars.live()})
	// The JSON handler's own writer takes the request lines directly
	// (httpapi.Config.RequestLog: the same bytes, without slog's record).
	var requestLog io.Writer
	if e.format == "json" {
		requestLog = out
	}
	api := httpapi.New(httpapi.Config{Store: db, Verifier: verifier, Usage: usage, Clock: clock, Log: log, RequestLog: requestLog,
		PublicURL: *publicURL, Pages: booking, RequireHTTPS: *requireHTTPS, TrustedProxies: trusted, WebhookAllowPrivate: *allowPrivate,
		Metrics: mx.Metrics(), RateLimit: lim.api(), KillSwitchRateLimit: lim.killSwitch(),
		Concurrency: lim.concurrency(), Calendars: calendars.svc,
		Ready: readyChecks(db)})
	dash := dashboard.New(dashboard.Config{Store: db, Sessions: db.Sessions(), Usage: usage,
		Clock: clock, Log: log, SecureCookies: tls, RequireHTTPS: *requireHTTPS, TrustedProxies: trusted,
		Passwords: e.passwords, LoginRate: lim.login(), Calendars: calendars.svc, MailOn: mailer.server != nil})
	dash.Mount(api.Mux())
	formpages.New(formpages.Config{Store: db, PublicURL: *publicURL, Clock: clock, Log: log,
		ClientIP: clientip.Proxies(trusted).IP}).Mount(api.Mux())
	srv := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}

	bg, stopBG := context.WithCancel(context.WithoutCancel(e.ctx))
	var wg sync.WaitGroup
	wg.Go(func() { verifier.Run(bg, refreshInterval) })
	wg.Go(func() { _ = db.WatchChanges(bg, log, verifier.Poke) })
	wg.Go(func() { usage.Run(bg, usageInterval) })
	wg.Go(func() { housekeeping(bg, db, clock, log) })
	wg.Go(func() { db.RunUpkeep(bg, sqldb.UpkeepInterval, log) })
	wg.Go(func() { dash.Run(bg, pruneInterval) })
	hooks := &webhook.Worker{Store: db, Clock: clock, Log: log, Guard: webhook.Guard{AllowPrivate: *allowPrivate},
		Observe: mx.Metrics().WebhookResult}
	wg.Go(func() { hooks.Run(bg, webhookInterval) })
	calendars.run(bg, &wg)

	errc := make(chan error, 1)
	go func() {
		if tls {
			errc <- srv.ServeTLS(ln, *certFile, *keyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	log.Info("meetd listening", "addr", ln.Addr().String(), "db", db.Dialect(), "tls", tls, "require_https", *requireHTTPS,
		"dashboard", base+"/dashboard/")
	// After "meetd listening", which is the first line operators and
	// tests wait for.
	startMail(bg, &wg, mailer, db, clock, log, *publicURL)
	select {
	case err = <-errc:
	case <-e.ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		err = srv.Shutdown(sctx)
		cancel()
	}
	stopBG() // the usage recorder flushes once more on its way out
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	// The last line: requests drained, background work finished.
	if err != nil {
		log.Error("stopped", "err", err)
	} else {
		log.Info("stopped")
	}
	return err
}

// housekeeping runs the timed work: every minute it expires provisional
// bookings whose confirmation window has passed; every ten minutes it
// deletes change records every node has long replayed, idempotent
// responses past their 24 hours and GDPR exports past their 7 days. Several
// nodes may run it at once: each step is idempotent.
func housekeeping(ctx context.Context, db meetd.Store, clock meetd.Clock, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for i := 0; ; i++ {
		now := clock.Now()
		if _, err := db.ExpireProvisional(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("expiring provisional bookings failed", "err", err)
		}
		if i%10 == 0 {
			if err := db.PruneChanges(ctx, now.Add(-changeRetention)); err != nil && ctx.Err() == nil {
				log.Warn("pruning the change log failed", "err", err)
			}
			if err := db.PruneResponses(ctx, now.Add(-httpapi.IdempotencyTTL)); err != nil && ctx.Err() == nil {
				log.Warn("pruning idempotent responses failed", "err", err)
			}
			if err := db.PruneGDPRExports(ctx, now.Add(-meetd.GDPRExportTTL)); err != nil && ctx.Err() == nil {
				log.Warn("pruning GDPR exports failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func checkLogBatch(v string) error {
	d, err := parseDuration(v)
	if err != nil || d < 0 || d > time.Second {
		return fmt.Errorf("must be a duration from 0 to 1s")
	}
	return nil
}
