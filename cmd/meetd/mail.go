package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/mail"
)

// mailConfig is --smtp-url and --mail-from, read; nil server means mail
// is off.
type mailConfig struct {
	server *mail.Server
	from   mail.From
}

// checkMailFrom accepts nothing or what mail.ParseFrom reads.
func checkMailFrom(v string) error {
	if v == "" {
		return nil
	}
	_, err := mail.ParseFrom(v)
	return err
}

// mailSettings reads --smtp-url and --mail-from. The URL is never part of
// an error: it may hold a password.
func mailSettings(cfg *settings, smtpURL, from string) (mailConfig, error) {
	var mc mailConfig
	if smtpURL == "" {
		if from != "" {
			return mc, fmt.Errorf("%s needs %s: without an SMTP server no mail is sent", cfg.source("mail-from"),
				cfg.source("smtp-url"))
		}
		return mc, nil
	}
	srv, err := mail.ParseServer(smtpURL)
	if err != nil {
		return mc, fmt.Errorf("%s: %w", cfg.source("smtp-url"), err)
	}
	if from == "" {
		return mc, fmt.Errorf("%s needs %s: the address e-mail comes from", cfg.source("smtp-url"), cfg.source("mail-from"))
	}
	mc.server = &srv
	mc.from, _ = mail.ParseFrom(from) // checked by checkMailFrom
	return mc, nil
}

// startMail starts the mail worker, or says once that mail is off: the
// messages then wait in the outbox (the dashboard's Outbox page) and go
// out once meetd runs with --smtp-url.
func startMail(ctx context.Context, wg *sync.WaitGroup, mc mailConfig, store meetd.Store, clock meetd.Clock,
	log *slog.Logger, publicURL string) {
	if mc.server == nil {
		log.Info("mail is off: no --smtp-url; messages stay in the outbox until meetd runs with one")
		return
	}
	w := &mail.Worker{Store: store, Sender: &mail.SMTP{Server: *mc.server}, Clock: clock, Log: log,
		Composer: mail.Composer{From: mc.from, PublicURL: publicURL}}
	log.Info("mail is on", "smtp", mc.server.String(), "from", mc.from.Email)
	wg.Go(func() { w.Run(ctx, mailInterval) })
}
