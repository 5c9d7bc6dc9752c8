package httpapi

import (
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/auth"
	"github.com/meetd/meetd/links"
)

// Channels are the meeting channels meetergo's API accepts.
var Channels = []string{"local", "local-attendee", "google", "zoom", "phone", "phone-incoming", "whatsapp",
	"connect", "webex", "skypeForConsumer", "skypeForBusiness", "teamsForBusiness", "teamsForBusiness2",
	"teamsForExchange", "teams2ForExchange", "custom", "resource", "whereby", "kmeet", "zava", "jitsi",
	"nextcloudTalk", "openTalk", "alfaview"}

func validChannel(c string) bool {
	for _, ch := range Channels {
		if ch == c {
			return true
		}
	}
	return false
}

type createUserBody struct {
	Email        string `json:"email"`
	GivenName    string `json:"givenName"`
	FamilyName   string `json:"familyName"`
	Timezone     string `json:"timezone"`
	Slug         string `json:"slug"`
	Availability *struct {
		Name     string          `json:"name"`
		Timezone string          `json:"timezone"`
		Schedule *meetd.Schedule `json:"schedule"`
	} `json:"availability"`
	MeetingType *struct {
		Name     string `json:"name"`
		Duration int    `json:"duration"`
		Slug     string `json:"slug"`
		Channel  string `json:"channel"`
	} `json:"meetingType"`
}

// readCreateUser reads the body of POST /v4/user. meetergo's guides send
// JSON and its OpenAPI page a form, so both are accepted; a form carries the
// flat fields only.
func readCreateUser(w http.ResponseWriter, r *http.Request) (createUserBody, error) {
	var body createUserBody
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" || mt == "application/x-www-form-urlencoded" {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		if err := r.ParseMultipartForm(MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return body, errTooLarge
			}
			return body, meetd.Errorf(meetd.EINVALID, "Malformed form body")
		}
		if err := checkForm(r); err != nil {
			return body, err
		}
		body.Email, body.GivenName, body.FamilyName = r.FormValue("email"), r.FormValue("givenName"), r.FormValue("familyName")
		body.Timezone, body.Slug = r.FormValue("timezone"), r.FormValue("slug")
		return body, nil
	}
	return body, decodeJSON(w, r, &body)
}

// POST /v4/user creates a platform user (userType api-platform) with a
// default availability and meeting type, acting as the company owner when
// an API key names no user.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, p meetd.Principal) error {
	if err := auth.Authorize(p, auth.CreateUser, ""); err != nil {
		return err
	}
	body, err := readCreateUser(w, r)
	if err != nil {
		return err
	}
	nu := meetd.NewUser{CompanyID: p.Company.ID, Email: strings.TrimSpace(body.Email),
		GivenName: strings.TrimSpace(body.GivenName), FamilyName: strings.TrimSpace(body.FamilyName),
		Timezone: body.Timezone, Slug: body.Slug, Role: meetd.RoleMember, Type: meetd.UserAPIPlatform}
	if nu.Slug != "" {
		if nu.Slug = meetd.Slugify(nu.Slug); nu.Slug == "" {
			nu.Slug = body.Slug // let validation name the problem
		}
	}
	prov := meetd.DefaultProvision(body.Timezone, "phone")
	var v meetd.Validation
	checkLabel := func(field, s string) string {
		s = strings.TrimSpace(s)
		if len(s) > 200 {
			v.Add(field, "name must be at most 200 characters")
		}
		return s
	}
	if a := body.Availability; a != nil {
		if name := checkLabel("availability.name", a.Name); name != "" {
			prov.AvailabilityName = name
		}
		if a.Timezone != "" {
			prov.AvailabilityTimezone = a.Timezone
			if _, ok := meetd.LoadZone(a.Timezone); !ok {
				v.Add("availability.timezone", "Invalid timezone")
			}
		}
		if a.Schedule != nil {
			if err := a.Schedule.Validate(); err != nil {
				v.Add("availability.schedule", err.Error())
			}
			prov.Schedule = *a.Schedule
		}
	}
	if m := body.MeetingType; m != nil {
		if name := checkLabel("meetingType.name", m.Name); name != "" {
			prov.MeetingTypeName = name
			prov.MeetingTypeSlug = meetd.Slugify(name)
		}
		if m.Slug != "" {
			prov.MeetingTypeSlug = meetd.Slugify(m.Slug)
		}
		if m.Duration != 0 {
			if m.Duration < 5 || m.Duration > 480 {
				v.Add("meetingType.duration", "duration must be between 5 and 480 minutes")
			}
			prov.Duration = m.Duration
		}
		if m.Channel != "" {
			if !validChannel(m.Channel) {
				v.Add("meetingType.channel", "channel must be one of "+strings.Join(Channels, ", "))
			}
			prov.Channel = m.Channel
		}
		if prov.MeetingTypeSlug == "" {
			prov.MeetingTypeSlug = strconv.Itoa(prov.Duration) + "min-meeting"
		}
	}
	nu.ValidateInto(&v)
	if err := v.Err(); err != nil {
		return err
	}
	nu.Provision = prov
	created, err := s.cfg.Store.CreateUser(r.Context(), meetd.ActorOf(p, s.clientIP(r)), nu)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{
		"userId":         created.User.ID,
		"availabilityId": created.AvailabilityID,
		"meetingTypeId":  created.MeetingType.ID,
		"bookingUrl":     s.bookingURL(created.User.Slug, created.MeetingType.Slug),
		"companyId":      created.User.CompanyID,
	})
	return nil
}

func (s *Server) bookingURL(userSlug, meetingTypeSlug string) string {
	return links.New(s.cfg.PublicURL).Booking(userSlug, meetingTypeSlug)
}
