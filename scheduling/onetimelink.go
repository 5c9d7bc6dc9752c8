package scheduling

import "context"

// checkOneTimeLink refuses, before a double opt-in booking is made, a
// one-time link (id; "" is none) that could not book meetingTypeID now,
// with the error its confirmation would meet. The confirmation books
// through the link and checks it again in the store's transaction; this
// check only spares the attendee a confirmation link that cannot work.
func (s *Service) checkOneTimeLink(ctx context.Context, companyID, meetingTypeID, id string) error {
	if id == "" {
		return nil
	}
	l, err := s.Store.OneTimeLinkByID(ctx, companyID, id)
	if err != nil {
		return err
	}
	return l.Usable(meetingTypeID, s.Clock.Now())
}
