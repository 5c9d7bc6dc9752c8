package meetd

// Store is everything meetd keeps. Each method is one transaction. Every
// method returns an *Error with ENOTFOUND when the object does not exist and
// ECONFLICT on a uniqueness clash; anything else is internal. Methods that
// change something take an Actor and write the audit record and the change
// record (see Change) in the same transaction.
//
// The company is the boundary: every method that reads or changes a
// company-owned object takes the company's id and answers ENOTFOUND, with
// the same message as for a missing object, when the object belongs to
// another company. The store enforces it in the query, so no caller has to
// compare company ids. The few methods that are not scoped say so, and why.
type Store interface {
	CompanyStore
	UserStore
	CredentialStore
	SchedulingStore
	WebhookStore
	GDPRStore
	OneTimeLinkStore
	PersonalPageStore
	CalendarConnectionStore
	CalendarFeedStore
	DataFieldStore
	RoutingFormStore
	ContactStore
	GDPRErasureStore
	ChangeStore
	AuditStore
	OutboxStore
	// Close releases the database.
	Close() error
}
