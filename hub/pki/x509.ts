// What init-pki uses of @peculiar/x509, for its dynamic import(). Bundled (scripts/bundle.mjs), a
// dynamically imported CommonJS package keeps only its default export; an ES module that names
// the exports keeps them all. The package registers its algorithms in a tsyringe container,
// which needs the reflect-metadata polyfill loaded first.
import "reflect-metadata";

export {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  cryptoProvider,
} from "@peculiar/x509";
