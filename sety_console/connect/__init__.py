"""How the console reaches its server: a configured Sety API, or the profile's sandbox child process."""
