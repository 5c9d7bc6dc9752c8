package httpapi

import (
	"errors"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/webhook"
)

var errWebhookNotFound = meetd.Errorf(meetd.ENOTFOUND, "Webhook not found")

// Limits of a subscription's fields.
const (
	maxEndpointLen    = 2048
	maxDescriptionLen = 500
)

// toWebhookJSON renders a subscription; the secret only when it was just
// created.
func toWebhookJSON(w meetd.Webhook, secret bool) map[string]any {
	out := map[string]any{"id": w.ID, "endpoint": w.Endpoint, "description": nullable(w.Description),
		"eventTypes": w.EventTypes, "companyId": w.CompanyID, "createdAt": meetd.FormatTime(w.CreatedAt),
		"updatedAt": meetd.FormatTime(w.UpdatedAt), "active": w.DisabledAt == nil, "disabledAt": optTime(w.DisabledAt)}
	if secret {
		out["secret"] = w.Secret
	}
	return out
}

type webhookBody struct {
	Endpoint    *string   `json:"endpoint"`
	EventTypes  *[]string `json:"eventTypes"`
	Description *string   `json:"description"`
}

// guard is the webhook target check of this server's configuration.
func (s *Server) guard() webhook.Guard {
	return webhook.Guard{AllowPrivate: s.cfg.WebhookAllowPrivate}
}

// readWebhook validates a POST (create) or PATCH body and returns the
// fields it sets.
func (s *Server) readWebhook(w http.ResponseWriter, r *http.Request, create bool) (meetd.WebhookUpdate, error) {
	var body webhookBody
	var up meetd.WebhookUpdate
	if err := decodeJSON(w, r, &body); err != nil {
		return up, err
	}
	var v meetd.Validation
	switch {
	case body.Endpoint == nil && create:
		v.Add("endpoint", "endpoint should not be empty")
	case body.Endpoint != nil && *body.Endpoint == "":
		v.Add("endpoint", "endpoint should not be empty")
	case body.Endpoint != nil && len(*body.Endpoint) > maxEndpointLen:
		v.Add("endpoint", "endpoint must be at most 2048 characters")
	case body.Endpoint != nil:
		if _, err := s.guard().CheckURL(r.Context(), *body.Endpoint); err != nil {
			var te *webhook.TargetError
			if !errors.As(err, &te) {
				return up, err
			}
			v.Add("endpoint", te.Msg)
		}
		up.Endpoint = body.Endpoint
	}
	switch {
	case body.EventTypes == nil && create:
		v.Add("eventTypes", "eventTypes should not be empty")
	case body.EventTypes != nil && len(*body.EventTypes) == 0:
		v.Add("eventTypes", "eventTypes should not be empty")
	case body.EventTypes != nil:
		types := []string{}
		for _, t := range *body.EventTypes {
			if !meetd.ValidWebhookEventType(t) {
				v.Add("eventTypes", "each value in eventTypes must be one of the following values: "+
					joinComma(meetd.WebhookEventTypes))
				break
			}
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
		up.EventTypes = types
	}
	if body.Description != nil {
		if utf8.RuneCountInString(*body.Description) > maxDescriptionLen {
			v.Add("description", "description must be at most 500 characters")
		}
		up.Description = body.Description
	}
	return up, v.Err()
}

func joinComma(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// webhookFor loads a subscription of p's company that p may manage.
// Another company's is the same 404 as none, for every credential: the
// subscription is looked up before p is refused
// (docs/decisions.md#another-companys-id-is-always-a-404).
func (s *Server) webhookFor(r *http.Request, p meetd.Principal) (meetd.Webhook, error) {
	wh, err := s.cfg.Store.WebhookByID(r.Context(), p.Company.ID, r.PathValue("id"))
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return wh, errWebhookNotFound
	} else if err != nil {
		return wh, err
	}
	return wh, auth.Authorize(p, auth.ManageWebhooks, "")
}

// POST /webhooks {endpoint, eventTypes, description?} answers 201 with the
// subscription and its signing secret, shown this once; a 7th subscription
// is 406.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ManageWebhooks, ""); err != nil {
		return err
	}
	up, err := s.readWebhook(w, r, true)
	if err != nil {
		return err
	}
	n := meetd.NewWebhook{CompanyID: p.Company.ID, Endpoint: *up.Endpoint, EventTypes: up.EventTypes,
		Secret: webhook.NewSecret()}
	if up.Description != nil {
		n.Description = *up.Description
	}
	wh, err := s.cfg.Store.CreateWebhook(r.Context(), meetd.ActorOf(p, s.clientIP(r)), n)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, toWebhookJSON(wh, true))
	return nil
}

// GET /webhooks answers the company's subscriptions as a bare array,
// without secrets.
func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.ManageWebhooks, ""); err != nil {
		return err
	}
	list, err := s.cfg.Store.Webhooks(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, wh := range list {
		out[i] = toWebhookJSON(wh, false)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// PATCH /webhooks/{id} {endpoint?, eventTypes?, description?} changes a
// subscription (eventTypes replaces the list) and enables it again if
// failures had disabled it.
func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	wh, err := s.webhookFor(r, p)
	if err != nil {
		return err
	}
	up, err := s.readWebhook(w, r, false)
	if err != nil {
		return err
	}
	wh, err = s.cfg.Store.UpdateWebhook(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, wh.ID, up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toWebhookJSON(wh, false))
	return nil
}

// DELETE /webhooks/{id} answers 204.
func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	wh, err := s.webhookFor(r, p)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteWebhook(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, wh.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
