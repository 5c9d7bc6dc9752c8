package meetd

import "context"

// CompanyStore keeps companies. A company is the scope itself, so these
// methods take its id alone.
type CompanyStore interface {
	// CreateCompany creates a company and its owner in one transaction.
	// owner.Role is forced to RoleOwner. ECONFLICT if the owner's email or
	// slug is taken.
	CreateCompany(ctx context.Context, a Actor, c NewCompany, owner NewUser) (Company, User, error)
	// CreateFirstCompany is CreateCompany for a database without any
	// company (the dashboard's first-run setup): ECONFLICT when a company
	// exists. The check and the insert are one transaction, serialised
	// across processes, so concurrent calls on any nodes create one company.
	CreateFirstCompany(ctx context.Context, a Actor, c NewCompany, owner NewUser) (Company, User, error)
	// CompanyByID returns a company.
	CompanyByID(ctx context.Context, id string) (Company, error)
	// CountCompanies returns how many companies exist.
	CountCompanies(ctx context.Context) (int, error)
	// SetCompanyPlan changes a company's plan.
	SetCompanyPlan(ctx context.Context, a Actor, id string, p Plan) (Company, error)
	// SetFrameAncestors replaces the origins allowed to embed the
	// company's booking pages; the caller checks them with
	// CheckFrameAncestors. ENOTFOUND for a missing company.
	SetFrameAncestors(ctx context.Context, a Actor, id string, origins []string) (Company, error)
	// CompanyOwner returns the company's owner.
	CompanyOwner(ctx context.Context, companyID string) (User, error)
}

// NewCompany is what CreateCompany needs.
type NewCompany struct {
	Name string
	Plan Plan
}
