package httpapi

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/links"
)

// POST /v4/one-time-booking-link/create/{meetingTypeId} makes a single-use
// booking link for a meeting type the principal may manage, replacing its
// previous unused link: 201 {id, url, link, token, meetingTypeId,
// expiresAt, createdAt}. url and link are the same address; the token in
// it is shown only here (docs/decisions.md#one-time-booking-links).
func (s *Server) createOneTimeLink(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := ignoredBody(w, r); err != nil {
		return err
	}
	m, _, err := s.meetingTypeFor(r, p, r.PathValue("meetingTypeId"))
	if err != nil {
		return err
	}
	token := meetd.NewOneTimeToken()
	l, err := s.cfg.Store.CreateOneTimeLink(r.Context(), meetd.ActorOf(p, s.clientIP(r)), p.Company.ID, m.ID,
		meetd.HashOneTimeToken(token))
	if meetd.ErrorCode(err) == meetd.ENOTFOUND {
		return errMeetingTypeNotFound // deleted meanwhile
	} else if err != nil {
		return err
	}
	link := s.oneTimeURL(token)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{"id": l.ID, "url": link, "link": link, "token": token,
		"meetingTypeId": l.MeetingTypeID, "expiresAt": meetd.FormatTime(l.ExpiresAt),
		"createdAt": meetd.FormatTime(l.CreatedAt)})
	return nil
}

// oneTimeURL is the public booking page of a one-time link's token.
func (s *Server) oneTimeURL(token string) string {
	return links.New(s.cfg.PublicURL).OneTime(token)
}

// ignoredBody accepts a request without a body, or with one that decodeJSON
// would accept (then ignored): a route that reads no body refuses a
// malformed one all the same, as every other write does.
func ignoredBody(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return errMalformed
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if !isJSON(r.Header.Get("Content-Type")) {
		return errContentType
	}
	if firstNonSpace(body) != '{' {
		return errMalformed
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	var f fields
	return unmarshalBody(body, &f)
}
