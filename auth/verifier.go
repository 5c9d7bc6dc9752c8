package auth

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meetd/meetd"
)

// Lookup is the part of the store the verifier reads on a cache miss.
type Lookup interface {
	CredentialByHash(ctx context.Context, h []byte) (meetd.Credential, error)
	CredentialByIDUnscoped(ctx context.Context, id string) (meetd.Credential, error)
	UserByID(ctx context.Context, companyID, id string) (meetd.User, error)
	CompanyByID(ctx context.Context, id string) (meetd.Company, error)
	CompanyOwner(ctx context.Context, companyID string) (meetd.User, error)
	Changes(ctx context.Context, after int64, limit int) ([]meetd.Change, error)
	LatestChange(ctx context.Context) (int64, error)
}

// DefaultTTL bounds how long a cache entry is trusted without a change record
// confirming it: the backstop behind the change log.
const DefaultTTL = 30 * time.Second

// Request is what principal resolution reads from an HTTP request.
type Request struct {
	// Authorization is the Authorization header ("" when absent).
	Authorization string
	// ActingUser is x-meetergo-api-user-id ("" when absent or empty).
	ActingUser string
	// NeedsUser is true for endpoints where an API key must name a user.
	NeedsUser bool
	// IP is the client address, recorded as the credential's last use.
	IP string
}

// Verifier resolves requests to principals. Verified credentials, users and
// companies are cached in memory, so a warm request costs no database
// query; the cache is invalidated from the store's change log by Refresh
// (after every write this process makes, through the store's change hook:
// see AfterWrite) and by Run (for writes of other processes), with a TTL
// as the backstop. It is safe for concurrent use.
type Verifier struct {
	store Lookup
	clock meetd.Clock
	ttl   time.Duration
	usage *Usage
	log   *slog.Logger

	mu        sync.RWMutex
	creds     map[[32]byte]credEntry
	credHash  map[string][32]byte // credential id → cache key
	users     map[userKey]userEntry
	companies map[string]companyEntry
	// gen counts invalidations: a cache fill that started before one is
	// dropped, so a load racing a revocation cannot resurrect the credential.
	gen atomic.Uint64

	// poke asks Run for an immediate refresh (see Poke).
	poke chan struct{}

	refreshMu sync.Mutex
	lastSeq   int64
	gaps      map[int64]time.Time // sequence numbers not yet seen (uncommitted or rolled back)
}

type credEntry struct {
	c      meetd.Credential
	loaded time.Time
}

// userKey names a cached user: users are looked up within a company.
type userKey struct{ companyID, id string }

type userEntry struct {
	u      meetd.User
	loaded time.Time
}

type companyEntry struct {
	c      meetd.Company
	owner  meetd.User
	loaded time.Time
}

// NewVerifier returns a verifier reading from store. usage may be nil, in
// which case credential use is not recorded. It reads the change log's
// current position so only later changes are replayed.
func NewVerifier(ctx context.Context, store Lookup, clock meetd.Clock, usage *Usage, log *slog.Logger) (*Verifier, error) {
	seq, err := store.LatestChange(ctx)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Verifier{
		store: store, clock: clock, ttl: DefaultTTL, usage: usage, log: log,
		creds: map[[32]byte]credEntry{}, credHash: map[string][32]byte{},
		users: map[userKey]userEntry{}, companies: map[string]companyEntry{},
		lastSeq: seq, gaps: map[int64]time.Time{}, poke: make(chan struct{}, 1),
	}, nil
}

// SetTTL changes the cache backstop TTL; for tests.
func (v *Verifier) SetTTL(d time.Duration) { v.ttl = d }

// Resolve runs the steps of principal resolution in order and returns the
// principal, or an *meetd.Error whose code and message are the wire answer
// (docs/architecture.md#principal-resolution).
func (v *Verifier) Resolve(ctx context.Context, r Request) (meetd.Principal, error) {
	if r.Authorization == "" {
		return meetd.Principal{}, ErrMissingAuthorization
	}
	scheme, raw, ok := strings.Cut(r.Authorization, " ")
	raw = strings.TrimSpace(raw)
	kind := KindOf(raw)
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return meetd.Principal{}, invalid(kind)
	}
	parsed, err := Parse(raw)
	if err != nil {
		return meetd.Principal{}, invalid(kind)
	}
	now := v.clock.Now()
	cred, err := v.credential(ctx, parsed, now)
	if err != nil {
		return meetd.Principal{}, err
	}
	if cred.Status != meetd.CredentialActive {
		return meetd.Principal{}, invalid(kind)
	}
	if cred.Expired(now) {
		return meetd.Principal{}, expired(kind)
	}
	company, owner, err := v.company(ctx, cred.CompanyID, now)
	if err != nil {
		return meetd.Principal{}, err // the credential's company always exists: a failure is internal
	}
	p := meetd.Principal{CredentialID: cred.ID, CredentialKind: kind, Company: company}
	if kind == meetd.KindPAT {
		u, err := v.user(ctx, company.ID, cred.UserID, now)
		if err != nil && meetd.ErrorCode(err) != meetd.ENOTFOUND {
			return meetd.Principal{}, err
		}
		if err != nil || !u.Active() {
			return meetd.Principal{}, ErrInvalidPAT
		}
		if !company.Plan.Allows(kind) {
			return meetd.Principal{}, meetd.PlanError(kind)
		}
		if r.ActingUser != "" && !strings.EqualFold(r.ActingUser, u.ID) {
			return meetd.Principal{}, ErrPATImpersonation
		}
		p.User = u
	} else {
		if !company.Plan.Allows(kind) {
			return meetd.Principal{}, meetd.PlanError(kind)
		}
		p.OnBehalf = true
		switch {
		case r.ActingUser != "":
			if !meetd.IsUUID(r.ActingUser) {
				return meetd.Principal{}, ErrActingUserNotUUID
			}
			u, err := v.user(ctx, company.ID, strings.ToLower(r.ActingUser), now)
			if err != nil || !u.Active() {
				if err != nil && meetd.ErrorCode(err) != meetd.ENOTFOUND {
					return meetd.Principal{}, err
				}
				return meetd.Principal{}, ErrActingUserForeign
			}
			p.User, p.ExplicitUser = u, true
		case r.NeedsUser:
			return meetd.Principal{}, ErrActingUserMissing
		default:
			p.User = owner
		}
	}
	if v.usage != nil {
		v.usage.Note(cred.ID, now, r.IP)
	}
	return p, nil
}

// Known reports whether authorization carries a credential this verifier
// has verified and still holds in memory, however old the entry: a
// credential that was valid when last seen. It reads no database, so a
// limiter on failed authentications can let such a request through to
// Resolve (which checks it as always) while refusing unknown ones unread.
// Only the secret's hash finds the entry, so it cannot be guessed.
func (v *Verifier) Known(authorization string) bool {
	scheme, raw, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	parsed, err := Parse(strings.TrimSpace(raw))
	if err != nil {
		return false
	}
	v.mu.RLock()
	_, ok = v.creds[parsed.Hash]
	v.mu.RUnlock()
	return ok
}

// credential returns the active-or-not credential parsed names, from the
// cache or the store, or the 401 for an unknown one.
func (v *Verifier) credential(ctx context.Context, parsed Parsed, now time.Time) (meetd.Credential, error) {
	v.mu.RLock()
	e, ok := v.creds[parsed.Hash]
	v.mu.RUnlock()
	if ok && now.Sub(e.loaded) < v.ttl {
		return e.c, nil
	}
	return v.loadCredential(ctx, parsed, now)
}

// loadCredential is credential's cache miss. It is a function of its own
// because handing parsed.Hash to the store moves parsed to the heap: here
// that costs only misses, not every request.
func (v *Verifier) loadCredential(ctx context.Context, parsed Parsed, now time.Time) (meetd.Credential, error) {
	gen := v.gen.Load()
	var c meetd.Credential
	var err error
	if parsed.Kind == meetd.KindAPIKey {
		c, err = v.store.CredentialByIDUnscoped(ctx, parsed.KeyID)
		if err == nil && subtle.ConstantTimeCompare(c.Hash, parsed.Hash[:]) != 1 {
			return meetd.Credential{}, invalid(parsed.Kind)
		}
	} else {
		c, err = v.store.CredentialByHash(ctx, parsed.Hash[:])
	}
	if err != nil {
		if meetd.ErrorCode(err) == meetd.ENOTFOUND {
			return meetd.Credential{}, invalid(parsed.Kind)
		}
		return meetd.Credential{}, err
	}
	if c.Kind != parsed.Kind {
		return meetd.Credential{}, invalid(parsed.Kind)
	}
	v.mu.Lock()
	if v.gen.Load() == gen {
		v.creds[parsed.Hash] = credEntry{c: c, loaded: now}
		v.credHash[c.ID] = parsed.Hash
	}
	v.mu.Unlock()
	return c, nil
}

// user returns a user of the company, from the cache or the store; another
// company's user is ENOTFOUND.
func (v *Verifier) user(ctx context.Context, companyID, id string, now time.Time) (meetd.User, error) {
	key := userKey{companyID, id}
	v.mu.RLock()
	e, ok := v.users[key]
	v.mu.RUnlock()
	if ok && now.Sub(e.loaded) < v.ttl {
		return e.u, nil
	}
	gen := v.gen.Load()
	u, err := v.store.UserByID(ctx, companyID, id)
	if err != nil {
		return meetd.User{}, err
	}
	v.mu.Lock()
	if v.gen.Load() == gen {
		v.users[key] = userEntry{u: u, loaded: now}
	}
	v.mu.Unlock()
	return u, nil
}

func (v *Verifier) company(ctx context.Context, id string, now time.Time) (meetd.Company, meetd.User, error) {
	v.mu.RLock()
	e, ok := v.companies[id]
	v.mu.RUnlock()
	if ok && now.Sub(e.loaded) < v.ttl {
		return e.c, e.owner, nil
	}
	gen := v.gen.Load()
	c, err := v.store.CompanyByID(ctx, id)
	if err != nil {
		return meetd.Company{}, meetd.User{}, err
	}
	owner, err := v.store.CompanyOwner(ctx, id)
	if err != nil {
		return meetd.Company{}, meetd.User{}, err
	}
	v.mu.Lock()
	if v.gen.Load() == gen {
		v.companies[id] = companyEntry{c: c, owner: owner, loaded: now}
	}
	v.mu.Unlock()
	return c, owner, nil
}

// Invalidate drops every cache entry the changes touch.
func (v *Verifier) Invalidate(changes ...meetd.Change) {
	if len(changes) == 0 {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.gen.Add(1)
	for _, ch := range changes {
		switch ch.Kind {
		case meetd.ChangeCredential:
			if h, ok := v.credHash[ch.ID]; ok {
				delete(v.creds, h)
				delete(v.credHash, ch.ID)
			}
		case meetd.ChangeUser:
			// Only the user's own company ever caches them.
			for k := range v.users {
				if k.id == ch.ID {
					delete(v.users, k)
				}
			}
			// A company entry carries its owner: drop them all rather
			// than index owners, since user changes are rare.
			clear(v.companies)
		case meetd.ChangeCompany:
			delete(v.companies, ch.ID)
		}
	}
}

// gapTTL is how long a missing sequence number is waited for. On
// PostgreSQL a transaction can commit a lower sequence number after a
// higher one is visible; a number still missing after this was rolled back.
const gapTTL = time.Minute

// Refresh reads the change log since the last refresh and drops the cache
// entries it names. It runs after every write this process makes (see
// AfterWrite), so the write takes effect on the very next request.
func (v *Verifier) Refresh(ctx context.Context) error {
	v.refreshMu.Lock()
	defer v.refreshMu.Unlock()
	now := v.clock.Now()
	from := v.lastSeq
	for seq, seen := range v.gaps {
		if now.Sub(seen) > gapTTL {
			delete(v.gaps, seq)
		} else if seq-1 < from {
			from = seq - 1
		}
	}
	for {
		changes, err := v.store.Changes(ctx, from, 1000)
		if err != nil {
			return err
		}
		fresh := changes[:0:0]
		for _, ch := range changes {
			from = ch.Seq
			if _, pending := v.gaps[ch.Seq]; ch.Seq <= v.lastSeq && !pending {
				continue // seen on an earlier refresh
			}
			fresh = append(fresh, ch)
			delete(v.gaps, ch.Seq)
			for s := v.lastSeq + 1; s < ch.Seq; s++ {
				v.gaps[s] = now
			}
			if ch.Seq > v.lastSeq {
				v.lastSeq = ch.Seq
			}
		}
		v.Invalidate(fresh...)
		if len(changes) < 1000 {
			return nil
		}
	}
}

// AfterWrite refreshes the cache after a committed write of this process.
// Hand it to the store's change hook once, where the verifier is made
// (serve: db.OnChange(verifier.AfterWrite)), so no handler has to
// remember. It ignores ctx's cancellation (a client hanging up must not
// delay its own revocation on this node) but not its values, gives up
// after five seconds, and logs a failure: the write has committed, and Run
// and the TTL still bound how long the cache may be stale.
func (v *Verifier) AfterWrite(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := v.Refresh(ctx); err != nil {
		v.log.Warn("credential cache refresh after a write failed", "err", err)
	}
}

// Poke asks Run to refresh now rather than at its next tick, for a change
// notification from the database. Pokes that arrive while one is pending
// are merged; it never blocks.
func (v *Verifier) Poke() {
	select {
	case v.poke <- struct{}{}:
	default:
	}
}

// Run refreshes every interval, and whenever poked, until ctx is done.
// Errors are logged and retried; the TTL keeps the cache honest meanwhile.
func (v *Verifier) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-v.poke:
		}
		if err := v.Refresh(ctx); err != nil && ctx.Err() == nil {
			v.log.Warn("credential cache refresh failed", "err", err)
		}
	}
}
