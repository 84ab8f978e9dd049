"""What every page shares: sign-in and security headers, access checks, error pages, template helpers."""
