#!/bin/sh
# Stand-in for Prisma's native schema engine, which the CLI downloads from outside the npm
# registry (unreachable here). `prisma generate` only needs the path to exist; anything that
# really needs the engine (migrate, db push) must fail loudly instead of silently doing nothing.
echo "prisma: the native schema engine is not installed; migrations run through 'npm run migrate'" >&2
exit 1
