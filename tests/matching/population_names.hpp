// Names and places for the synthetic population (population.cpp only): surnames by how common
// they are in England and Wales, given names by sex (with diacritics where families write them),
// the nicknames senders use (the generator's own list, not the matcher's table, so a variant the
// matcher does not know is measured as a miss), and outward codes of English towns and cities.
#pragma once

#include <string_view>

namespace hidewire::testing::names {

// The most common surnames: about a third of people.
inline constexpr std::string_view kCommonSurnames[] = {
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Patel", "Khan", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Mohammed", "Ali", "Hussain", "Begum", "Singh", "Ahmed"};

inline constexpr std::string_view kSurnames[] = {
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Jackson",
    "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan",
    "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly",
    "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khalid", "Marshall",
    "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Hunt",
    "Holmes", "Mills", "Palmer", "Matthews", "Lloyd", "Fletcher", "Knight", "Stevens", "Rees", "Pritchard", "Jenkins", "Howells",
    "Owen", "Bevan", "Llewellyn", "Vaughan", "O'Neill", "O'Brien", "O'Connor", "McDonald", "MacDonald", "McKenzie", "Fitzgerald",
    "D'Souza", "Fernandes", "Rahman", "Uddin", "Islam", "Chowdhury", "Mahmood", "Iqbal", "Akhtar", "Shah", "Sharma", "Kaur",
    "Gill", "Sandhu", "Mistry", "Chauhan", "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamińska", "Okafor", "Adeyemi", "Mensah",
    "Okonkwo", "Osei", "Nguyen", "Chen", "Wang", "Zhang", "Li", "Yilmaz", "Öztürk", "Müller", "Schäfer", "Núñez", "García",
    "Gonçalves", "Brontë", "Ó Súilleabháin", "Ní Bhriain", "Mac Giolla", "Ferreira", "Costa", "Silva", "Popescu", "Ionescu",
    "Horvath", "Novák", "Petrov", "Ivanova", "Papadopoulos", "Cohen", "Levy", "Abbott", "Barker", "Booth", "Burton", "Chambers",
    "Dixon", "Dawson", "Fox", "Gibson", "Grant", "Hart", "Hayes", "Hudson", "Jordan", "Kennedy", "Lane", "Marsh", "Newman",
    "Norris", "Parry", "Pearce", "Reid", "Reynolds", "Russell", "Saunders", "Spencer", "Stone", "Sutton", "Walsh", "Warren", "Wells",
    "West", "Whitehead", "Woods", "Yates", "Hartley", "Sutcliffe", "Ackroyd", "Oldroyd", "Haigh", "Pickles", "Butterworth"};

inline constexpr std::string_view kMaleGiven[] = {
    "Mohammed", "John", "David", "Robert", "William", "James", "Michael", "Richard", "Thomas", "Christopher", "Edward", "Anthony",
    "Daniel", "Joseph", "Peter", "Stephen", "Andrew", "Charles", "Henry", "Frederick", "Samuel", "Benjamin", "Nicholas", "Matthew",
    "Alexander", "George", "Oliver", "Harry", "Jack", "Noah", "Leo", "Oscar", "Arthur", "Muhammad", "Ahmed", "Omar", "Yusuf",
    "Ibrahim", "Hamza", "Arjun", "Rahul", "Sanjay", "Raj", "Gurpreet", "Harjit", "Wei", "Jun", "Tomasz", "Piotr", "Łukasz",
    "Kwame", "Chinedu", "Oluwaseun", "Seán", "Ciarán", "Pádraig", "Eoin", "Rhys", "Dafydd", "Gareth", "Iwan", "José", "André",
    "René", "Jürgen", "Søren", "Zoltán", "Kyle", "Liam", "Callum", "Ethan", "Mason", "Jake", "Luke", "Adam", "Ryan", "Jamie"};

inline constexpr std::string_view kFemaleGiven[] = {
    "Mary", "Margaret", "Elizabeth", "Sarah", "Susan", "Patricia", "Catherine", "Jennifer", "Rebecca", "Victoria", "Deborah",
    "Dorothy", "Emma", "Olivia", "Amelia", "Isla", "Ava", "Mia", "Sophia", "Grace", "Lily", "Freya", "Emily", "Jessica", "Hannah",
    "Charlotte", "Lucy", "Chloe", "Chloë", "Zoë", "Zoe", "Siobhán", "Sinéad", "Aoife", "Niamh", "Róisín", "Eilís", "Fatima",
    "Aisha", "Maryam", "Zainab", "Khadija", "Ayesha", "Priya", "Anjali", "Sunita", "Harpreet", "Manpreet", "Mei", "Xiu", "Agnieszka",
    "Małgorzata", "Zofia", "Chidinma", "Abena", "Ngozi", "Renée", "Anaïs", "Hélène", "Begoña", "Ana", "Joanne", "Karen", "Julie",
    "Tracey", "Nicola", "Amy", "Laura", "Gemma", "Kelly", "Bethan", "Ffion", "Cerys", "Carys", "Megan", "Amelie", "Jane", "Anne"};

// Nicknames and short forms a sender may write, by the name they stand for.
struct Nickname {
  std::string_view name, nickname;
};
inline constexpr Nickname kNicknames[] = {
    {"Robert", "Bob"},        {"Robert", "Rob"},      {"Robert", "Bobby"},       {"William", "Bill"},     {"William", "Will"},
    {"William", "Billy"},     {"Margaret", "Peggy"},  {"Margaret", "Maggie"},    {"Margaret", "Meg"},     {"Elizabeth", "Liz"},
    {"Elizabeth", "Beth"},    {"Elizabeth", "Betty"}, {"Richard", "Dick"},       {"Richard", "Rick"},     {"James", "Jim"},
    {"James", "Jimmy"},       {"John", "Jack"},       {"John", "Johnny"},        {"Michael", "Mike"},     {"Michael", "Mick"},
    {"Thomas", "Tom"},        {"Thomas", "Tommy"},    {"Christopher", "Chris"},  {"Edward", "Ted"},       {"Edward", "Eddie"},
    {"Anthony", "Tony"},      {"Daniel", "Dan"},      {"Joseph", "Joe"},         {"Peter", "Pete"},       {"Stephen", "Steve"},
    {"Andrew", "Andy"},       {"Charles", "Charlie"}, {"Henry", "Harry"},        {"Frederick", "Fred"},   {"Samuel", "Sam"},
    {"Benjamin", "Ben"},      {"Nicholas", "Nick"},   {"Matthew", "Matt"},       {"Alexander", "Alex"},   {"Catherine", "Kate"},
    {"Catherine", "Cathy"},   {"Susan", "Sue"},       {"Patricia", "Pat"},       {"Deborah", "Debbie"},   {"Rebecca", "Becky"},
    {"Jennifer", "Jenny"},    {"Victoria", "Vicky"},  {"Dorothy", "Dot"},        {"Mary", "Molly"},       {"Sarah", "Sally"},
    {"Mohammed", "Muhammad"}, {"Mohammed", "Mohamed"}, {"Muhammad", "Mohammed"}, {"Oliver", "Ollie"},     {"George", "Georgie"},
    {"Jessica", "Jess"},      {"Charlotte", "Lottie"}, {"Emily", "Em"},          {"Joanne", "Jo"},        {"Nicola", "Nicky"}};

// Outward codes of English towns and cities (real districts; inward codes are made up).
inline constexpr std::string_view kOutwardCodes[] = {
    "LS1", "LS6", "LS8", "LS11", "LS28", "BD3", "BD8", "BD18", "HX1", "HD1", "WF1", "WF13", "S2", "S10", "S11", "DN1", "HU3",
    "HU5", "YO10", "YO24", "M1", "M14", "M20", "M40", "OL1", "BL1", "WN1", "SK4", "L1", "L8", "L15", "CH41", "PR1", "BB1", "LA1",
    "CA1", "NE1", "NE4", "NE6", "SR1", "DH1", "TS1", "DL1", "B1", "B11", "B23", "B93", "CV1", "CV4", "WV1", "WS1", "DY1", "ST1",
    "DE1", "NG1", "NG7", "LE1", "LE5", "NN1", "LN1", "PE1", "CB1", "NR1", "IP1", "CO1", "CM1", "SS1", "LU1", "MK9", "OX1", "OX4",
    "RG1", "SL1", "GU1", "RH1", "BN1", "BN2", "TN1", "CT1", "ME1", "SO14", "PO1", "BH1", "SP1", "SN1", "BA1", "BS1", "BS5", "BS16",
    "GL1", "WR1", "HR1", "EX1", "EX4", "PL1", "PL4", "TR1", "TQ1", "TA1", "E1", "E17", "N1", "N17", "NW1", "NW10", "SE1", "SE15",
    "SW1A", "SW9", "W1A", "W2", "W12", "EC1A", "WC1N", "CR0", "BR1", "HA0", "IG1", "RM1", "EN1", "UB1", "TW1", "KT1", "SM1", "DA1"};

// The second half of a postcode never uses these letters (C, I, K, M, O, V).
inline constexpr std::string_view kInwardLetters = "ABDEFGHJLNPQRSTUWXYZ";

}  // namespace hidewire::testing::names
