package httpapi

import (
	"github.com/meetd/meetd/calsync"
	"github.com/meetd/meetd/scheduling"
)

// MaxHosts bounds the hosts one booking or slot query may name.
const MaxHosts = scheduling.MaxHosts

// scheduler returns the booking service over the server's store. It keeps
// no state of its own, so one per call costs nothing.
func (s *Server) scheduler() *scheduling.Service {
	svc := &scheduling.Service{Store: s.cfg.Store, Clock: s.cfg.Clock}
	if s.cfg.Calendars.Enabled() {
		svc.Calendars = &calsync.Live{Service: s.cfg.Calendars}
	}
	return svc
}
