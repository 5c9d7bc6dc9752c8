package main

import (
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/sqldb"
)

// oneFlag parses args for a command whose only flag of its own, name, is
// required and names what the command acts on; it returns that flag's value.
func (e *env) oneFlag(command, name, usage string, args []string) (string, error) {
	fs := e.flags(command, true)
	v := fs.String(name, "", usage)
	if err := e.parse(fs, args, name); err != nil {
		return "", err
	}
	return *v, nil
}

// openUser opens the store and loads user id in whichever company it
// belongs to: the operator names the user alone, the user names their
// company. On success the caller closes db.
func (e *env) openUser(id string) (*sqldb.DB, meetd.User, error) {
	db, err := e.open()
	if err != nil {
		return nil, meetd.User{}, err
	}
	u, err := db.UserByIDUnscoped(e.ctx, id)
	if err != nil {
		db.Close()
		return nil, meetd.User{}, err
	}
	return db, u, nil
}

// openCompany opens the store and loads company id, so that a command
// about a company that does not exist fails as not found. On success the
// caller closes db.
func (e *env) openCompany(id string) (*sqldb.DB, meetd.Company, error) {
	db, err := e.open()
	if err != nil {
		return nil, meetd.Company{}, err
	}
	c, err := db.CompanyByID(e.ctx, id)
	if err != nil {
		db.Close()
		return nil, meetd.Company{}, err
	}
	return db, c, nil
}
