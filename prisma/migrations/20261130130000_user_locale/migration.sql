-- The language a person last chose (the switcher) or signed up in: mails to them are written in it,
-- and mails they cause to people without an account (a link sent by mail, an invitation) too.
-- NULL: never recorded; mails fall back to the default language.

-- AlterTable
ALTER TABLE "User" ADD COLUMN "locale" TEXT;
