ALTER TABLE "staff_users" ADD COLUMN "oidc_subject" text;--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_oidc_subject_unique" UNIQUE("oidc_subject");