package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/meetd/meetd"
)

// command is one operator command of a group ("company create"). The table
// drives both dispatch and the group's --help, so the two cannot drift.
type command struct {
	group, name string
	// synopsis is the flags, as the usage shows them.
	synopsis string
	summary  string
	run      func(e *env, args []string) error
}

// commands are the grouped operator commands, in the order help lists them.
var commands = []command{
	{"company", "create", "--name N --plan P --owner-email E --owner-given-name G --owner-family-name F [--owner-timezone Z] [--owner-password-stdin] [--json]",
		"create a company and its owner", (*env).companyCreate},
	{"company", "list", "[--json]", "list every company with its plan and owner", (*env).companyList},
	{"company", "show", "--company ID [--json]", "show a company: plan, owner, users and credentials", (*env).companyShow},
	{"company", "set-plan", "--company ID --plan P [--json]", "change a company's plan", (*env).companySetPlan},

	{"user", "create", "--company ID --email E --given-name G --family-name F [--role member|admin] [--type standard|api-platform|resource|partner] [--timezone Z] [--password-stdin] [--json]",
		"create a user", (*env).userCreate},
	{"user", "list", "--company ID [--json]", "list a company's active users", (*env).userList},
	{"user", "show", "--user ID [--json]", "show a user, and whether they have a dashboard password", (*env).userShow},
	{"user", "set-password", "--user ID [--json]  (the password is read from standard input)",
		"set a user's dashboard password; their other sessions end", (*env).userSetPassword},
	{"user", "remove", "--user ID [--json]", "remove a user; their personal access tokens stop working", (*env).userRemove},

	{"pat", "create", "--user ID --name N (--expires-in DURATION | --no-expiry) [--json]",
		"mint a personal access token (shown once)", (*env).patCreate},
	{"pat", "list", "(--company ID | --user ID) [--json]", "list personal access tokens, revoked ones included", (*env).patList},
	{"pat", "revoke", "--id ID [--json]", "revoke a personal access token (final)", (*env).patRevoke},

	{"apikey", "create", "--company ID --name N --expires-in DURATION [--json]",
		"mint a platform API key (shown once)", (*env).apikeyCreate},
	{"apikey", "list", "--company ID [--json]", "list a company's API keys, revoked ones included", (*env).apikeyList},
	{"apikey", "deactivate", "--id ID [--json]", "stop a key until it is reactivated",
		func(e *env, args []string) error {
			return e.apikeyStatus("deactivate", args, meetd.CredentialDeactivated)
		}},
	{"apikey", "reactivate", "--id ID [--json]", "let a deactivated key work again",
		func(e *env, args []string) error { return e.apikeyStatus("reactivate", args, meetd.CredentialActive) }},
	{"apikey", "revoke", "--id ID [--json]", "revoke a key (final)",
		func(e *env, args []string) error { return e.apikeyStatus("revoke", args, meetd.CredentialRevoked) }},
	{"apikey", "roll", "--id ID [--grace DURATION] [--json]", "replace a key; the old one works for the grace period (0–7d)", (*env).apikeyRoll},
}

// group returns the commands of a group, nil when there is no such group.
func group(name string) []command {
	var out []command
	for _, c := range commands {
		if c.group == name {
			out = append(out, c)
		}
	}
	return out
}

// groupHelp prints a group's subcommands.
func groupHelp(w io.Writer, name string, cmds []command) {
	fmt.Fprintf(w, "Usage: meetd %s SUBCOMMAND [flags]\n\nSubcommands:\n", name)
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.name))
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n  %*s  meetd %s %s %s\n", width, c.name, c.summary, width, "", name, c.name, c.synopsis)
	}
	fmt.Fprintf(w, "\nRun \"meetd %s SUBCOMMAND --help\" for a subcommand's flags.\n", name)
}

// runGroup runs "meetd GROUP SUBCOMMAND args…", or the group's help.
func (e *env) runGroup(name string, args []string) error {
	cmds := group(name)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || isHelp(args[0]) {
		groupHelp(e.stdout, name, cmds)
		if len(args) == 0 || !isHelp(args[0]) { // "meetd company --db x" has no subcommand either
			return fmt.Errorf("meetd %s needs a subcommand: %s", name, names(cmds))
		}
		return nil
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	return fmt.Errorf("unknown command \"%s %s\": meetd %s has %s; run meetd %s --help", name, args[0], name, names(cmds), name)
}

func names(cmds []command) string {
	var ns []string
	for _, c := range cmds {
		ns = append(ns, c.name)
	}
	return strings.Join(ns, ", ")
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}
