package auth

import "github.com/meetd/meetd"

// The exact errors of principal resolution
// (docs/architecture.md#principal-resolution). Their messages are part of the
// wire protocol: change them only with the protocol.
var (
	ErrMissingAuthorization = meetd.Errorf(meetd.EUNAUTHORIZED, "Missing authorization header")
	ErrInvalidAPIKey        = meetd.Errorf(meetd.EUNAUTHORIZED, "Invalid API key")
	ErrInvalidPAT           = meetd.Errorf(meetd.EUNAUTHORIZED, "Invalid personal access token")
	ErrExpiredAPIKey        = meetd.Errorf(meetd.EUNAUTHORIZED, "API key has expired")
	ErrExpiredPAT           = meetd.Errorf(meetd.EUNAUTHORIZED, "Personal access token has expired")
	ErrPATImpersonation     = meetd.Errorf(meetd.EFORBIDDEN, "Personal access tokens cannot act on behalf of another user")
	ErrActingUserNotUUID    = meetd.Errorf(meetd.EINVALID, "x-meetergo-api-user-id must be a UUID")
	ErrActingUserForeign    = meetd.Errorf(meetd.EFORBIDDEN, "The acting user is not a member of your company")
	ErrActingUserMissing    = meetd.Errorf(meetd.EINVALID, "Missing required header 'x-meetergo-api-user-id' for API key authentication")
)

func invalid(k meetd.CredentialKind) *meetd.Error {
	if k == meetd.KindAPIKey {
		return ErrInvalidAPIKey
	}
	return ErrInvalidPAT
}

func expired(k meetd.CredentialKind) *meetd.Error {
	if k == meetd.KindAPIKey {
		return ErrExpiredAPIKey
	}
	return ErrExpiredPAT
}
