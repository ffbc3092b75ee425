// natural's package entry loads its storage back-ends (and dotenv, which prints to stdout); we import the
// stemmer module alone, which has no types of its own at this path.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
