package meetd

import "time"

// Plan is a company's subscription. The order of the constants is the order
// of the tiers (lowest first) except PlanAPIPlatform, which is billed per
// booking and sits beside Enterprise.
type Plan string

// The plans a company can be on.
const (
	PlanFree        Plan = "free"
	PlanEssentials  Plan = "essentials"
	PlanGrowth      Plan = "growth"
	PlanEnterprise  Plan = "enterprise"
	PlanAPIPlatform Plan = "api-platform"
)

// Plans lists every valid plan, lowest first.
var Plans = []Plan{PlanFree, PlanEssentials, PlanGrowth, PlanEnterprise, PlanAPIPlatform}

// Valid reports whether p is one of Plans.
func (p Plan) Valid() bool {
	for _, q := range Plans {
		if p == q {
			return true
		}
	}
	return false
}

// AllowsPATs reports whether personal access tokens work on this plan
// (every plan but free).
func (p Plan) AllowsPATs() bool { return p.Valid() && p != PlanFree }

// AllowsAPIKeys reports whether platform API keys work on this plan
// (enterprise and api-platform).
func (p Plan) AllowsAPIKeys() bool { return p == PlanEnterprise || p == PlanAPIPlatform }

// Allows reports whether credentials of kind k work on this plan.
func (p Plan) Allows(k CredentialKind) bool {
	if k == KindAPIKey {
		return p.AllowsAPIKeys()
	}
	return p.AllowsPATs()
}

// PlanError is the 403 a request gets when its company's plan does not
// include the credential it used (docs/architecture.md#credentials).
func PlanError(k CredentialKind) *Error {
	feature := "personal_access_tokens"
	if k == KindAPIKey {
		feature = "api_keys"
	}
	return &Error{Code: EPLANLIMIT, Message: "Your plan does not include API access", Feature: feature}
}

// Company is a workspace: the tenant every other object belongs to.
type Company struct {
	ID    string
	Name  string
	Plan  Plan
	Seats int
	// FrameAncestors are the origins allowed to embed the company's
	// booking pages in an <iframe> (CheckFrameAncestors); none means only
	// meetd's own origin.
	FrameAncestors []string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}
