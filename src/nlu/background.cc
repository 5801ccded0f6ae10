#include "nlu/background.h"

#include <string_view>

namespace hark::nlu {
namespace {

// Varied on purpose: money, work, travel, the car, food, shopping, the home, the phone,
// the assistant itself, feelings, facts, everyday life. Each line is one request or remark
// an assistant hears that no built-in skill carries out; "#" lines name a group. Written
// for Hark, not taken from any data set. The classifier learns from them which words and
// phrasings belong to no skill (requests near a skill on purpose: "call me captain",
// "cancel my dinner reservation", "where am i right now").
constexpr std::string_view kText = R"(
# money
how much money is in my savings account
what is the balance on my checking account
move two hundred dollars from checking to savings
pay my electricity bill
when is my rent due
did my paycheck arrive yet
what is the interest rate on my loan
how do i improve my credit rating
is my credit card blocked
report a lost debit card
i think someone stole my card
how much do i owe on my mortgage
what is the exchange rate for euros to dollars
how much tax will i pay this year
can i get a bigger credit limit
what was my last transaction
how much did i spend on groceries last month
split the bill between four people
how much should i tip on a dinner
is it a good time to buy stocks
what is my bank routing number
apply for a new credit card
how do i redeem my reward points
freeze my account
# travel
book a flight to chicago
reserve a hotel room for two nights
is my flight on time
what gate does my plane leave from
how many bags can i check on this airline
do i need a visa to visit brazil
rent a car at the airport
what vaccines do i need before travelling abroad
how long is the flight to tokyo
find me a cheap vacation package
what should i pack for a beach holiday
is there a travel advisory for that country
what is the baggage weight limit
cancel my hotel booking
upgrade my seat to business class
what is the local currency in thailand
# health
what are the symptoms of the flu
how many calories are in an apple
book an appointment with my doctor
how much water should i drink a day
is it safe to take ibuprofen with coffee
what is a healthy resting heart rate
i have a headache and feel dizzy
how many steps did i walk today
how can i sleep better
refill my prescription
what foods are high in protein
how long should i exercise every day
# food and cooking
how do i make lasagna
what can i cook with chicken and rice
how long do i boil an egg
give me a recipe for banana bread
what wine goes with salmon
is this restaurant open on sundays
make a reservation for dinner at eight
order a pizza with mushrooms
what is a good substitute for butter
how long does cooked rice keep in the fridge
find a vegan restaurant nearby
what are the ingredients in a margarita
where is my food delivery
# car and home
when is my car due for an oil change
how much gas is left in the tank
what does the check engine light mean
what kind of tire pressure should i have
schedule a service for my car
how do i jump start a car
my car insurance is expiring
how do i unclog a drain
what is the best way to clean an oven
how often should i water my plants
the dishwasher is leaking
how do i get rid of ants in the kitchen
# work and school
what is my vacation balance at work
how do i ask for a raise
when is the next payday
submit my expense report
who is my manager
how do i write a good resume
what is the capital of australia
who wrote pride and prejudice
how far away is the moon
when did the second world war end
what is the meaning of the word ubiquitous
how many bones are in the human body
who invented the telephone
why is the sky blue
what is the population of canada
explain how photosynthesis works
what is the tallest mountain in europe
what language do they speak in brazil
how do you spell necessary
what is a synonym for happy
# shopping and services
track my package
where is my order
return these shoes
is this item in stock
what is the price of the new phone
cancel my subscription
change my password
update my shipping address
i forgot my pin number
what is my account number
order more printer ink
i want to file a complaint
how do i reset my router
my internet is really slow
what is the warranty on this laptop
sign me up for the newsletter
# about the assistant and small talk
what is your name
how old are you
where are you from
do you have any pets
what is your favorite color
are you a robot
who made you
do you like music
what are your hobbies
are you married
i am bored
i feel sad today
that was interesting
you are smart
i like pizza
my favorite team lost again
the weekend was fun
i did not sleep well
can you change your voice
what should i call you
let us talk about something else
do you dream
what is the meaning of life
tell me something about yourself
# misc requests outside every skill
schedule a meeting room for friday
how do i get a new driver license
what are my rights as a tenant
how do i vote in the election
when does the library close
who won the game last night
what is the score of the match
recommend a good book
what movie should i watch tonight
find a plumber near me
how many days until christmas
what is my horoscope
translate thank you into german
how do you say goodbye in italian
what does this word mean in spanish
is the pharmacy open
what is the phone number for the dentist
how do i pay a parking ticket
when is trash pickup
what is my insurance deductible
how many vacation days do i have left
what is the best smartphone this year
# more of everyday life
how do i change a flat tire
what is the speed limit on highways here
how much does a new roof cost
who is the president of france
what year did the titanic sink
how do i cancel my gym membership
is my package going to arrive before friday
what are the opening hours of the post office
how do i make my own compost
what is the difference between a virus and bacteria
how many people live in new york
what should i get my dad for his birthday
what is the best way to learn guitar
give me some ideas for a date night
how do i get a refund for my ticket
what documents do i need to open a bank account
my phone bill is too high
how do i switch to a different insurance plan
what is the salary of a nurse
how do i apply for a job at the hospital
what is the best credit card for travel
i need a loan for a new car
how long does it take to get a passport
where can i recycle old batteries
are there any good hiking trails around here
what is the fuel economy of this truck
how do i fix a leaking faucet
what are the rules of chess
how do you play poker
what is the difference between weather and climate
who sings this kind of music
what is the plot of that new movie
how much sleep does a teenager need
what time does the game start on sunday
is there any traffic on my commute
how do i say no to my boss
my neighbor is too loud at night
i need help with my homework
what is two to the power of ten in binary
how do airplanes stay in the air
what is the healthiest breakfast
should i rent or buy a house
how do i know if an egg is fresh
what does apr stand for
i want to learn to speak japanese
how much is my car worth
when does daylight saving time end
how do i block a spam caller
what are the side effects of this medicine
is there a pharmacy open all night
# money and banking
how much do i have in checking
tell me my savings balance
what's my account balance right now
send 50 dollars to my savings
transfer money to my brother's account
wire 300 euros to my landlord
pay the water bill
when is my phone bill due
how much is my electric bill this month
set up autopay for my credit card
what are my recent transactions
show me what i spent at restaurants
list the charges on my card from last week
did the refund from the store go through
there's a charge i don't recognize
someone used my card without permission
my card was declined at the store
why was my card rejected
my debit card is not working
i lost my credit card
my card got stolen, lock it
order a replacement card
how long until my new card arrives
my card is damaged and needs replacing
when does my card expire
what's my credit score
how can i raise my credit score
increase my credit limit
what's my current credit limit
how many reward points do i have
use my points for a gift card
what is the apr on my visa
is there a foreign transaction fee on this card
apply for a platinum card
what's the status of my card application
what's the interest rate on savings
what is the minimum payment due
order new checks
change my pin
reset my card pin
what's my routing number
block my bank account
my account has been frozen
unfreeze my checking account
set up direct deposit for my paycheck
how do i roll over my 401k
how much do i make a year
what's my income after taxes
when do i get my w-2
how much will i owe in taxes
how do i file my tax return
when will i get my tax refund
what's the dollar to yen rate
how many pesos for a dollar
convert my dollars to euros at the bank
how is the stock market doing today
what's the price of bitcoin
should i invest in index funds
open a savings account for my kid
close my credit card account
what's the balance on my student loan
refinance my mortgage
how much can i borrow for a house
venmo my friend twenty bucks
request money from my roommate
split the rent with my roommates
how much interest did i earn this year
is my paycheck in yet
when is the next pay day
# work
how many vacation days do i have
how much pto have i used this year
request friday off
submit a time off request for next week
has my leave request been approved
what holidays do we get off
when is the next public holiday
is monday a bank holiday
what does my health insurance cover
how do i switch my dental plan
who is my insurance provider
book a conference room for thursday
i have a meeting with the director, when is it
who do you work for
what company built you
sign me out of work
clock me in
how do i ask for a promotion
write a cover letter for me
help me prepare for a job interview
what should i wear to an interview
how many hours did i work this week
email my coworkers about the delay
forward this email to my boss
check my inbox
do i have new emails
read my latest email
reply to the last email
# travel
book me a flight to denver next friday
find a round trip ticket to london
i need a plane ticket for tomorrow
book a hotel in miami for three nights
find me a room near the convention center
reserve a rental car in phoenix
how much does it cost to rent an suv
where should i go on vacation this summer
suggest somewhere warm to travel in winter
what's fun to do in barcelona
are there any travel warnings for egypt
is it safe to travel to mexico right now
let my bank know i'm traveling abroad
notify my credit card company about my trip
what's the carry on size limit
can i bring liquids in my carry on
what time zone is chicago in
what's the time difference with sydney
which vaccines do i need for kenya
do i need shots before going to india
how do i say good morning in french
translate where is the bathroom to spanish
what is thank you in korean
is my flight delayed
what time does my flight land
has flight 302 departed
do americans need a visa for china
how do i apply for a travel visa
the airline lost my suitcase
my luggage didn't arrive
what kind of plug do they use in the uk
do i need a power adapter in italy
what's the exchange rate between pounds and dollars
how much is a euro worth today
find a cheap hostel in amsterdam
what's the check in time at my hotel
how early should i get to the airport
what is the best time of year to visit japan
how long is the train ride to boston
are pets allowed on the plane
# car and commute
how's traffic on the way to work
is the highway jammed right now
how long will my commute take today
how far is it to the coast
how many miles is it to chicago from here
where am i right now
what city am i in
what's my current location
where is the closest gas station
do i need gas
how much fuel is left in the car
what type of gas does my car take
does my car need premium fuel
what's my car's gas mileage
how many miles per gallon does this get
when should i get my oil changed
how do i change the oil myself
when was my last service
schedule a tune up for the car
my battery is dead, how do i jump it
what's the right tire pressure for my car
how do i put on the spare tire
my tire is flat
get me an uber
order a lyft to the airport
call a cab to my house
book a taxi for 6 am
how much is an uber downtown
is there parking near the stadium
where can i charge my electric car
when does the next bus come
is the subway running today
renew my car registration
# kitchen and dining
how do i make pancakes from scratch
find me a recipe for chicken curry
what can i make with potatoes and cheese
suggest something for dinner tonight
what should i eat for lunch
give me a quick meal idea
how many calories are in a banana
is there a lot of sugar in orange juice
how much protein is in an egg
what are the nutrition facts for oatmeal
what goes into a caesar salad
what ingredients do i need for brownies
what can i use instead of eggs in baking
can i swap baking soda for baking powder
how long do i roast a chicken
how long should i bake cookies
how long does pizza last in the fridge
is milk still good after a week
is this chicken still safe to eat
book a table for two at seven tonight
reserve dinner for four at the italian place
is my reservation at the steakhouse confirmed
cancel my dinner reservation
cancel my table at the sushi place
does that restaurant take reservations
how busy is the cafe right now
is the burger place crowded at lunch
what are the reviews for the thai place on main street
is that pizza place any good
recommend a good mexican restaurant
where can i get good sushi around here
order takeout from the chinese restaurant
order a pizza for delivery
where's my food order
what wine pairs with steak
how do you make cold brew coffee
# shopping and orders
order more paper towels
buy a new phone charger online
reorder my dog food
where is my amazon package
what's the status of my order
when will my package be delivered
track the delivery from the shoe store
return the jacket i bought
how do i get a refund
is the new game console in stock
how much does a tv cost
find me a good deal on headphones
compare prices for laptops
# home and smart home
turn on the lights in the kitchen
dim the living room lights
switch off the bedroom lamp
set the thermostat to 70 degrees
turn up the heat
make the house cooler
lock the front door
is the garage door closed
start the vacuum cleaner
turn on the coffee maker
close the blinds
is the oven still on
arm the security system
show me the front door camera
turn on the tv
change the channel
how do i fix a squeaky door
what's the best way to clean windows
when does the garbage truck come
how often should i change the air filter
# phone and contacts, not a call or a text
did anyone call me today
who called me last night
do i have any missed calls
check my voicemail
play my voicemail messages
read my new messages
do i have any unread texts
what did anna say in her last message
my sister called me this morning
mom texted me a picture
i talked to my dad yesterday
what is john's phone number
add a new contact named rosa
save this number as my dentist
delete the contact for my old plumber
update mike's email address
block this number
who is this number
how do i turn on call forwarding
my phone battery drains too fast
how much storage is left on my phone
update my phone's software
how do i take a screenshot
my screen is cracked
what's my own phone number
how many minutes are left on my plan
# the assistant itself and settings
what's your name
can i give you a new name
i'm going to call you jarvis
from now on your name is max
call me captain
please call me by my nickname
what's my name
do you know my name
change my name to sam
where do you live
who created you
are you a real person
are you human or a machine
do you have feelings
do you have any hobbies
what do you like to do for fun
do you like dogs or cats
what's your favorite movie
tell me a fun fact
give me an interesting fact about space
say something interesting
can you whisper
switch to whisper mode
talk more slowly
speak faster please
can you change your accent
use a british accent
change your voice to male
switch your language to german
can you speak spanish
reset all your settings
go back to factory settings
sync with my tablet
connect to my smart watch
pair with my car
update your software
turn off your microphone
# feelings and remarks
i'm so tired today
i feel lonely
i'm happy today
i had a rough day at work
my back hurts
i'm hungry
it's really hot in here
that was a great movie
the traffic was terrible this morning
my kids are driving me crazy
i love this song
i don't like mondays
you are awesome
you are not very helpful
that's not funny
you're wrong about that
i'm bored out of my mind
i can't sleep
maybe
i'm not sure
let me think about it
possibly
i don't know
perhaps later
it depends
who knows
# facts, words and questions
what does the word serendipity mean
define procrastination
what's the definition of irony
how do you spell restaurant
spell the word rhythm for me
what's another word for big
what rhymes with orange
who was the first man on the moon
when was the eiffel tower built
how tall is mount everest
what is the largest ocean
how many countries are in africa
what's the capital of peru
who is the richest person in the world
how far is mars from earth
how many legs does a spider have
why do cats purr
what is the speed of light
who won the world cup in 2014
who painted starry night
what is the boiling point of water
how old is the universe
what causes earthquakes
how does a vaccine work
what's the difference between a frog and a toad
who is the prime minister of canada
when is the next election
what are the rules of basketball
what's the score in the lakers game
when do the olympics start
who is playing in the final tonight
what movies are showing this weekend
when does the new season come out
who sang that song about summer
what song is playing right now
what's the name of this song
who is the singer of this track
add this song to my favorites playlist
make a new playlist called road trip
remove this track from my playlist
recommend a podcast about history
what should i read next
summarize the news for me
what are today's headlines
# everyday life
how do i get rid of a cold
what helps with a sore throat
should i see a doctor for a fever
book a checkup with my doctor
how much exercise do i need each week
how many hours of sleep do adults need
what's a good stretch for lower back pain
how can i lose weight
how do i meditate
how do i get wine out of a carpet
how do i tie a bow tie
how do i iron a shirt
what should i get my wife for our anniversary
plan a birthday party for my son
what are some fun things to do this weekend
ideas for a rainy day with kids
how do i train my puppy
what do i feed a rabbit
how often should i walk my dog
how do i grow tomatoes
when should i plant tulips
how do i start a compost pile
how do i apply for a passport
where do i renew my drivers license
what documents do i need to register to vote
how do i change my address with the post office
what are the library hours
when does the pharmacy close
where is the nearest atm
is the post office open today
how much does a stamp cost
help me write a poem
write a short story about a dragon
tell me a bedtime story
sing me a song
can you dance
let's play a game
ask me a riddle
quiz me on capitals
what's a good name for a cat
)";

}  // namespace

const std::vector<std::string_view>& background_sentences() {
  static const std::vector<std::string_view> kSentences = [] {
    std::vector<std::string_view> out;
    std::string_view rest = kText;
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (!line.empty() && line.front() != '#') out.push_back(line);
    }
    return out;
  }();
  return kSentences;
}

}  // namespace hark::nlu
