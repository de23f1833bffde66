# The static public edition (`tillsyn publish`) served by nginx from Debian's package, unprivileged.
# Build the site first, then the image, both from the repository root:
#   TILLSYN_DB=... tillsyn publish --out site        # the newest round; --round R for another
#   docker build -f deploy/static-site.Dockerfile -t tillsynskartan-site .
# Served by deploy/compose.yaml (service `site`) and deploy/kubernetes/static-site.yaml; docs/publish.md.
FROM debian:bookworm-slim

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/*

# The project's configuration: the same files the e2e test and the benchmark run.
COPY deploy/nginx/nginx.conf deploy/nginx/static-site.conf deploy/nginx/static-headers.conf /etc/tillsyn/
COPY site/ /srv/site/
RUN test -f /srv/site/index.html -a -f /srv/site/manifest.json \
 && nginx -t -c /etc/tillsyn/nginx.conf -e stderr

# www-data (uid 33) from Debian: no root at run time, port 8080, pid and temporary files in /tmp.
USER www-data
EXPOSE 8080
STOPSIGNAL SIGQUIT
CMD ["nginx", "-c", "/etc/tillsyn/nginx.conf", "-e", "stderr", "-g", "daemon off;"]
