package dashboard

import (
	"sync"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/ratelimit"
)

// Rate is a token bucket: Burst attempts at once, refilled at Limit per Per.
type Rate = ratelimit.Rate

// DefaultLoginRate allows 10 sign-in attempts a minute, in a burst of 10,
// per client address and (failed ones) per email.
var DefaultLoginRate = Rate{Limit: 10, Per: time.Minute, Burst: 10}

// limiter is the shared token-bucket limiter, answering with how long to
// wait (the dashboard renders it into its 429 page and Retry-After).
type limiter struct{ l *ratelimit.Limiter }

func newLimiter(r Rate, clock meetd.Clock) *limiter { return &limiter{ratelimit.New(r, clock)} }

// take spends one of key's tokens and returns how long the caller must wait
// when there was none (0 when the attempt is allowed).
func (l *limiter) take(key string) time.Duration { return l.l.Take(key).Wait() }

// give returns a token taken for key (an attempt that turned out fine), up
// to the burst.
func (l *limiter) give(key string) { l.l.Give(key) }

// Known clients: when an account's sign-in bucket is empty (someone is
// guessing its password), a client from an address prefix that has signed
// in to that account before still reaches the password check, so a flood of
// wrong guesses cannot lock the real user out. Entries are kept in memory
// per process, for knownClientTTL after the last successful sign-in, at
// most knownClientsPerAccount prefixes an account (the oldest goes first),
// and for at most maxKnownAccounts accounts.
const (
	knownClientTTL         = 30 * 24 * time.Hour
	knownClientsPerAccount = 8
	maxKnownAccounts       = 100_000
)

type knownClients struct {
	clock meetd.Clock

	mu        sync.Mutex
	accounts  map[string][]knownClient
	lastSweep time.Time
}

type knownClient struct {
	key string // clientip.RateKey of the address
	at  time.Time
}

func newKnownClients(clock meetd.Clock) *knownClients {
	return &knownClients{clock: clock, accounts: map[string][]knownClient{}}
}

// remember records a successful sign-in to account from the prefix key.
func (k *knownClients) remember(account, key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.clock.Now()
	k.sweep(now, false)
	list := k.accounts[account]
	if list == nil && len(k.accounts) >= maxKnownAccounts {
		k.sweep(now, true)
		for a := range k.accounts { // still full: forget one account
			if len(k.accounts) < maxKnownAccounts {
				break
			}
			delete(k.accounts, a)
		}
	}
	for i, c := range list {
		if c.key == key {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	list = append(list, knownClient{key: key, at: now}) // newest last
	if len(list) > knownClientsPerAccount {
		list = list[len(list)-knownClientsPerAccount:]
	}
	k.accounts[account] = list
}

// known reports whether the prefix key signed in to account within the TTL.
func (k *knownClients) known(account, key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.clock.Now()
	for _, c := range k.accounts[account] {
		if c.key == key {
			return now.Sub(c.at) < knownClientTTL
		}
	}
	return false
}

// sweep drops entries past the TTL, at most once a day unless forced. k.mu
// is held.
func (k *knownClients) sweep(now time.Time, force bool) {
	if !force && now.Sub(k.lastSweep) < 24*time.Hour {
		return
	}
	k.lastSweep = now
	for a, list := range k.accounts {
		fresh := list[:0]
		for _, c := range list {
			if now.Sub(c.at) < knownClientTTL {
				fresh = append(fresh, c)
			}
		}
		if len(fresh) == 0 {
			delete(k.accounts, a)
		} else {
			k.accounts[a] = fresh
		}
	}
}
